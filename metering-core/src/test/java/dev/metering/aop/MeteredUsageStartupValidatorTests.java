package dev.metering.aop;

import dev.metering.annotation.MeteredUsage;
import dev.metering.annotation.MeteredUsage.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeteredUsageStartupValidator}: a {@code @MeteredUsage} that cannot be
 * applied stops the application before it serves.
 */
class MeteredUsageStartupValidatorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(MeteringTestConfiguration.class);

	@Test
	void validAnnotationsStart() {
		this.contextRunner.withBean(ValidService.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void unknownDimensionIsRefusedNamingTheMethod() {
		this.contextRunner.withBean(UnknownDimensionService.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(InvalidMeteredUsageException.class)
				.hasMessage("@MeteredUsage(dimension = \"scanz\") on " + UnknownDimensionService.class.getName()
						+ ".scan(String): dimension \"scanz\" must be one of the configured dimensions "
						+ "[bytes, calls, pages, scans, users]"));
	}

	@Test
	void unknownDimensionOnATypeIsRefused() {
		this.contextRunner.withBean(UnknownTypeDimensionService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(UnknownTypeDimensionService.class.getName() + ".call()")
				.hasMessageContaining("dimension \"cals\" must be one of the configured dimensions"));
	}

	@Test
	void dimensionBreakingTheModelIsRefused() {
		this.contextRunner.withBean(EmptyDimensionService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(EmptyDimensionService.class.getName() + ".scan()")
				.hasMessageContaining("dimension \"\" must be 1..255 characters"));
	}

	@Test
	void invalidConstantTagValueIsRefused() {
		this.contextRunner.withBean(InvalidTagService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(InvalidTagService.class.getName() + ".scan()")
				.hasMessageContaining("tags[tier].value \"gold?\" must match ^[a-zA-Z0-9+ -=._:\\/@]+$"));
	}

	@Test
	void invalidTagKeyIsRefusedEvenWhenTheValueIsAnExpression() {
		this.contextRunner.withBean(InvalidTagKeyService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(InvalidTagKeyService.class.getName() + ".scan(String)")
				.hasMessageContaining("tags[team?].key \"team?\" must match"));
	}

	@Test
	void moreThanFiveTagsAreRefused() {
		this.contextRunner.withBean(TooManyTagsService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(TooManyTagsService.class.getName() + ".scan()")
				.hasMessageContaining("tags (6 entries) must have at most 5 entries"));
	}

	@Test
	void duplicateTagKeysAreRefused() {
		this.contextRunner.withBean(DuplicateTagService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(DuplicateTagService.class.getName() + ".scan()")
				.hasMessageContaining("tag key \"team\" must be unique within the annotation"));
	}

	@Test
	void expressionThatDoesNotParseIsRefused() {
		this.contextRunner.withBean(UnparsableService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("@MeteredUsage(dimension = \"pages\") on " + UnparsableService.class.getName()
						+ ".print(int): quantity expression \"#pages +\" does not parse"));
	}

	@Test
	void negativeConstantQuantityIsRefused() {
		this.contextRunner.withBean(NegativeQuantityService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(NegativeQuantityService.class.getName() + ".print()")
				.hasMessageContaining("quantity -1 must be at least 0"));
	}

	@Test
	void aFinalMethodIsRefusedBecauseTheProxyCannotReachIt() {
		this.contextRunner.withBean(FinalMethodService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(FinalMethodService.class.getName() + ".scan(String)")
				.hasMessageContaining("would never bill: a final method"));
	}

	@Test
	void aStaticMethodIsRefused() {
		this.contextRunner.withBean(StaticMethodService.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("would never bill: a static method"));
	}

	@Test
	void lazyBeansAreValidatedToo() {
		this.contextRunner.withUserConfiguration(LazyServiceConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(UnknownDimensionService.class.getName() + ".scan(String)"));
	}

	static class ValidService {

		@MeteredUsage(dimension = "scans", tags = @Tag(key = "team", value = "#team"), customer = "#team")
		public void scan(String team) {
		}

	}

	static class FinalMethodService {

		@MeteredUsage(dimension = "scans")
		public final void scan(String document) {
		}

	}

	static class StaticMethodService {

		@MeteredUsage(dimension = "scans")
		public static void scan() {
		}

	}

	static class UnknownDimensionService {

		@MeteredUsage(dimension = "scanz")
		public void scan(String document) {
		}

	}

	@MeteredUsage(dimension = "cals")
	static class UnknownTypeDimensionService {

		public void call() {
		}

	}

	static class EmptyDimensionService {

		@MeteredUsage(dimension = "")
		public void scan() {
		}

	}

	static class InvalidTagService {

		@MeteredUsage(dimension = "scans", tags = @Tag(key = "tier", value = "'gold?'"))
		public void scan() {
		}

	}

	static class InvalidTagKeyService {

		@MeteredUsage(dimension = "scans", tags = @Tag(key = "team?", value = "#team"))
		public void scan(String team) {
		}

	}

	static class TooManyTagsService {

		@MeteredUsage(dimension = "scans",
				tags = { @Tag(key = "a", value = "'1'"), @Tag(key = "b", value = "'1'"), @Tag(key = "c", value = "'1'"),
						@Tag(key = "d", value = "'1'"), @Tag(key = "e", value = "'1'"),
						@Tag(key = "f", value = "'1'") })
		public void scan() {
		}

	}

	static class DuplicateTagService {

		@MeteredUsage(dimension = "scans",
				tags = { @Tag(key = "team", value = "'a'"), @Tag(key = "team", value = "'b'") })
		public void scan() {
		}

	}

	static class UnparsableService {

		@MeteredUsage(dimension = "pages", quantity = "#pages +")
		public void print(int pages) {
		}

	}

	static class NegativeQuantityService {

		@MeteredUsage(dimension = "pages", quantity = "-1")
		public void print() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyServiceConfiguration {

		@Bean
		@Lazy
		UnknownDimensionService lazyService() {
			return new UnknownDimensionService();
		}

	}

}
