package dev.metering.autoconfigure;

import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.UsageReporter;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Auto-configuration of the order of a graceful shutdown around the final usage report:
 * the web server stops, then Boot's application task executor completes its tasks when
 * {@code spring.task.execution.shutdown.await-termination=true}, then the
 * {@link UsageReporter} makes the final report; usage recorded after it is logged with
 * its units before the ledger closes.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(after = { MeteringReportingAutoConfiguration.class, TaskExecutionAutoConfiguration.class })
@ConditionalOnBean({ UsageReporter.class, UsageLedger.class })
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringShutdownAutoConfiguration {

	@Bean
	LateUsageWarning meteringLateUsageWarning(UsageLedger ledger, MeteringProperties properties) {
		return new LateUsageWarning(ledger, properties.isReportOnShutdown());
	}

	@Bean
	@ConditionalOnProperty(prefix = "spring.task.execution.shutdown", name = "await-termination", havingValue = "true")
	@ConditionalOnBean(name = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME,
			value = { ThreadPoolTaskExecutor.class, TaskExecutionProperties.class })
	TaskExecutorDrain meteringTaskExecutorDrain(
			@Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) ThreadPoolTaskExecutor executor,
			TaskExecutionProperties properties) {
		return new TaskExecutorDrain(executor, properties.getShutdown().getAwaitTerminationPeriod());
	}

}
