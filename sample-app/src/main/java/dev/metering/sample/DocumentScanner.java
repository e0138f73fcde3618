package dev.metering.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.metering.annotation.MeteredUsage;
import dev.metering.core.MarketplaceCustomer;

import org.springframework.stereotype.Service;

/**
 * The product's business logic: scans a text document for sensitive data.
 *
 * @author metering-spring-boot
 */
@Service
public class DocumentScanner {

	private static final List<Detector> DETECTORS = List.of(
			new Detector("aws-access-key-id", Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b")),
			new Detector("email-address", Pattern.compile("\\b[\\w.+-]+@[\\w-]+\\.[\\w.-]+\\b")),
			new Detector("credit-card-number", Pattern.compile("\\b(?:\\d[ -]?){13,16}\\b")));

	/**
	 * Scan one document. Billed per scan, and per started kilobyte scanned, to the
	 * customer's license; allocated by document size class.
	 * @param customer the AWS Marketplace customer (account and license) the scan is
	 * billed to
	 * @param document the document text
	 * @return what was found
	 */
	@MeteredUsage(dimension = "scans", customer = "#customer",
			tags = @MeteredUsage.Tag(key = "size", value = "#document.length() > 10000 ? 'large' : 'small'"))
	@MeteredUsage(dimension = "kilobytes", customer = "#customer", quantity = "(#document.length() + 1023) / 1024")
	public ScanResult scan(MarketplaceCustomer customer, String document) {
		List<Finding> findings = new ArrayList<>();
		for (Detector detector : DETECTORS) {
			Matcher matcher = detector.pattern().matcher(document);
			while (matcher.find()) {
				findings.add(new Finding(detector.name(), matcher.start(), matcher.end()));
			}
		}
		int words = document.isBlank() ? 0 : document.trim().split("\\s+").length;
		return new ScanResult(UUID.randomUUID().toString(), document.length(), words, findings);
	}

	private record Detector(String name, Pattern pattern) {
	}

	/**
	 * The outcome of a scan.
	 *
	 * @param id the scan id
	 * @param characters the document's length in characters
	 * @param words the document's word count
	 * @param findings the sensitive data found
	 */
	public record ScanResult(String id, int characters, int words, List<Finding> findings) {
	}

	/**
	 * Sensitive data found in a document.
	 *
	 * @param type what was found
	 * @param start its first character
	 * @param end the character after its last
	 */
	public record Finding(String type, int start, int end) {
	}

}
