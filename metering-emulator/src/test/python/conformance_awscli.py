#!/usr/bin/env python3
"""Conformance of the metering emulator with the AWS CLI, a client we did not write.

Usage: conformance_awscli.py ENDPOINT_URL

Runs `aws meteringmarketplace ...` with throwaway credentials and no config files. The
emulator must run with the options listed in conformance_boto3.py.
Exits 0 when every check passes, 1 otherwise.
"""
import datetime
import json
import os
import subprocess
import sys
import urllib.request

ENDPOINT = sys.argv[1].rstrip("/")
FAILURES = []
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDAWSCLICONFORMANCE", AWS_SECRET_ACCESS_KEY="not-a-secret",
           AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
           AWS_MAX_ATTEMPTS="1", AWS_PAGER="")
ENV.pop("AWS_PROFILE", None)
ENV.pop("AWS_SESSION_TOKEN", None)


LICENSE = "arn:aws:license-manager::123456789012:license:l-conf0license0001"


def check(name, condition, detail=""):
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else " :: " + str(detail)))
    if not condition:
        FAILURES.append(name)


def aws(*args):
    command = ["aws", "meteringmarketplace", *args, "--endpoint-url", ENDPOINT, "--output", "json"]
    completed = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=60)
    output = json.loads(completed.stdout) if completed.returncode == 0 and completed.stdout.strip() else None
    return completed.returncode, output, completed.stderr


def expect_ok(name, *args):
    code, output, stderr = aws(*args)
    check(name, code == 0, "exit %s: %s" % (code, stderr.strip()))
    return output or {}


def expect_error(name, error_code, *args):
    code, _, stderr = aws(*args)
    check(name, code != 0 and ("(%s)" % error_code) in stderr, "exit %s: %s" % (code, stderr.strip()))


def main():
    urllib.request.urlopen(urllib.request.Request(ENDPOINT + "/emulator/reset", data=b"{}", method="POST")).read()
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    ts = (now - datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    old = (now - datetime.timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%SZ")

    meter = ["meter-usage", "--product-code", "conf-product", "--timestamp", ts, "--usage-dimension", "scans"]
    first = expect_ok("meter-usage answers a MeteringRecordId", *meter, "--usage-quantity", "3")
    check("meter-usage MeteringRecordId present", bool(first.get("MeteringRecordId")), first)
    again = expect_ok("identical meter-usage resend succeeds", *meter, "--usage-quantity", "3")
    check("identical resend returns the same MeteringRecordId",
          again.get("MeteringRecordId") == first.get("MeteringRecordId"), again)
    expect_error("different quantity is DuplicateRequestException", "DuplicateRequestException", *meter,
                 "--usage-quantity", "4")
    expect_error("out-of-window timestamp is TimestampOutOfBoundsException", "TimestampOutOfBoundsException",
                 "meter-usage", "--product-code", "conf-product", "--timestamp", old, "--usage-dimension", "scans")
    expect_error("unknown product is InvalidProductCodeException", "InvalidProductCodeException",
                 "meter-usage", "--product-code", "nope", "--timestamp", ts, "--usage-dimension", "scans")
    expect_ok("meter-usage with usage allocations", "meter-usage", "--product-code", "conf-product", "--timestamp",
              ts, "--usage-dimension", "users", "--usage-quantity", "5", "--usage-allocations",
              json.dumps([{"AllocatedUsageQuantity": 5, "Tags": [{"Key": "team", "Value": "cli"}]}]))

    records = [
        {"Timestamp": ts, "CustomerIdentifier": "cust-1", "Dimension": "users", "Quantity": 7},
        {"Timestamp": ts, "CustomerIdentifier": "cust-unknown", "Dimension": "users", "Quantity": 1},
    ]
    batch = expect_ok("batch-meter-usage succeeds", "batch-meter-usage", "--product-code", "conf-product",
                      "--usage-records", json.dumps(records))
    statuses = [r.get("Status") for r in batch.get("Results", [])]
    check("batch-meter-usage statuses", statuses == ["Success", "CustomerNotSubscribed"], batch)
    changed = [dict(records[0], Quantity=8)]
    duplicate = expect_ok("batch-meter-usage resend with another quantity succeeds", "batch-meter-usage",
                          "--product-code", "conf-product", "--usage-records", json.dumps(changed))
    check("different batch quantity is DuplicateRecord",
          [r.get("Status") for r in duplicate.get("Results", [])] == ["DuplicateRecord"], duplicate)

    resolved = expect_ok("resolve-customer succeeds", "resolve-customer", "--registration-token", "reg-ok")
    check("resolve-customer answer", resolved.get("CustomerIdentifier") == "cust-1"
          and resolved.get("CustomerAWSAccountId") == "111122223333"
          and resolved.get("ProductCode") == "conf-product", resolved)
    expect_error("unknown token is InvalidTokenException", "InvalidTokenException", "resolve-customer",
                 "--registration-token", "reg-unknown")
    expect_error("expired token is ExpiredTokenException", "ExpiredTokenException", "resolve-customer",
                 "--registration-token", "reg-old")

    # License integration: LicenseArn from resolve-customer, then per record, no --product-code
    licensed = expect_ok("resolve-customer of a license product succeeds", "resolve-customer",
                         "--registration-token", "reg-license")
    check("resolve-customer answers LicenseArn and no CustomerIdentifier", licensed.get("LicenseArn") == LICENSE
          and licensed.get("CustomerAWSAccountId") == "444455556666" and "CustomerIdentifier" not in licensed,
          licensed)
    license_records = [{"Timestamp": ts, "CustomerAWSAccountId": "444455556666", "LicenseArn": LICENSE,
                        "Dimension": "scans", "Quantity": 1}]
    license_batch = expect_ok("batch-meter-usage with LicenseArn and no product code succeeds", "batch-meter-usage",
                              "--usage-records", json.dumps(license_records))
    check("batch-meter-usage license record is Success",
          [r.get("Status") for r in license_batch.get("Results", [])] == ["Success"], license_batch)
    expect_error("an unknown license is InvalidLicenseException", "InvalidLicenseException", "batch-meter-usage",
                 "--usage-records", json.dumps([dict(license_records[0], LicenseArn=LICENSE + "0")]))

    if FAILURES:
        print("%d check(s) failed: %s" % (len(FAILURES), ", ".join(FAILURES)))
        return 1
    print("AWS CLI conformance: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
