#!/usr/bin/env python3
"""Conformance of the metering emulator with boto3, a client we did not write.

Usage: conformance_boto3.py ENDPOINT_URL

The emulator must run with:
  --product conf-product:scans,users --customer cust-1 --customer 111122223333
  --registration-token reg-ok,cust-1,111122223333 --expired-token reg-old
Exits 0 when every check passes, 1 otherwise (each mismatch is printed).
"""
import base64
import datetime
import json
import sys
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1].rstrip("/")
FAILURES = []


LICENSE = "arn:aws:license-manager::123456789012:license:l-conf0license0001"


def check(name, condition, detail=""):
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else " :: " + str(detail)))
    if not condition:
        FAILURES.append(name)


def expect_error(name, code, call, status=None):
    try:
        result = call()
    except ClientError as error:
        actual = error.response["Error"]["Code"]
        actual_status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        ok = actual == code and (status is None or actual_status == status)
        check(name, ok, "got %s (HTTP %s)" % (actual, actual_status))
        return
    check(name, False, "no error, got %s" % result)


def inspect(path, body=None):
    request = urllib.request.Request(ENDPOINT + path, data=body, method="POST" if body is not None else "GET")
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
        return json.loads(text) if text.strip().startswith(("{", "[")) else text


def client(access_key="AKIDBOTO3CONFORMANCE"):
    return boto3.client(
        "meteringmarketplace",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key="not-a-secret",
        config=Config(retries={"max_attempts": 1}),
    )


def b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def main():
    inspect("/emulator/reset", b"{}")
    mm = client()
    now = datetime.datetime.now(datetime.timezone.utc)
    ts = now - datetime.timedelta(minutes=1)

    # MeterUsage: accept, identical resend, different quantity
    first = mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="scans", UsageQuantity=3)
    check("MeterUsage answers a MeteringRecordId", bool(first.get("MeteringRecordId")), first)
    again = mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="scans", UsageQuantity=3)
    check("identical resend returns the same MeteringRecordId",
          again.get("MeteringRecordId") == first.get("MeteringRecordId"), again)
    expect_error("different quantity for a reported hour is DuplicateRequestException", "DuplicateRequestException",
                 lambda: mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="scans",
                                        UsageQuantity=4))

    # allocations compared order-insensitively
    allocations = [
        {"AllocatedUsageQuantity": 2, "Tags": [{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "prod"}]},
        {"AllocatedUsageQuantity": 3, "Tags": [{"Key": "team", "Value": "b"}]},
    ]
    tagged = mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="users", UsageQuantity=5,
                            UsageAllocations=allocations)
    reordered = [
        {"AllocatedUsageQuantity": 3, "Tags": [{"Key": "team", "Value": "b"}]},
        {"AllocatedUsageQuantity": 2, "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "a"}]},
    ]
    tagged_again = mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="users", UsageQuantity=5,
                                  UsageAllocations=reordered)
    check("reordered allocations are an identical resend",
          tagged_again["MeteringRecordId"] == tagged["MeteringRecordId"])

    # idempotency token
    other = client("AKIDBOTO3TOKEN")
    other.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="scans", UsageQuantity=1,
                      ClientToken="boto3-token-1")
    expect_error("reused ClientToken with other parameters is IdempotencyConflictException",
                 "IdempotencyConflictException",
                 lambda: other.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="scans",
                                           UsageQuantity=2, ClientToken="boto3-token-1"))

    # refusals
    expect_error("unknown product is InvalidProductCodeException", "InvalidProductCodeException",
                 lambda: mm.meter_usage(ProductCode="other-product", Timestamp=ts, UsageDimension="scans"))
    expect_error("unknown dimension is InvalidUsageDimensionException", "InvalidUsageDimensionException",
                 lambda: mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="cpu"))
    expect_error("7 hours ago is TimestampOutOfBoundsException", "TimestampOutOfBoundsException",
                 lambda: mm.meter_usage(ProductCode="conf-product", Timestamp=now - datetime.timedelta(hours=7),
                                        UsageDimension="scans"))
    expect_error("tag key outside the model pattern is InvalidTagException", "InvalidTagException",
                 lambda: mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="scans",
                                        UsageQuantity=1, UsageAllocations=[
                                            {"AllocatedUsageQuantity": 1, "Tags": [{"Key": "a>b", "Value": "v"}]}]))
    expect_error("allocations not summing up is InvalidUsageAllocationsException",
                 "InvalidUsageAllocationsException",
                 lambda: mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="scans",
                                        UsageQuantity=2, UsageAllocations=[{"AllocatedUsageQuantity": 1}]))
    expect_error("DryRun answers DryRunOperation with HTTP 412", "DryRunOperation",
                 lambda: mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="scans",
                                        DryRun=True), status=412)
    expect_error("out-of-range quantity is ValidationException", "ValidationException",
                 lambda: mm.meter_usage(ProductCode="conf-product", Timestamp=ts, UsageDimension="scans",
                                        UsageQuantity=2147483648))

    # BatchMeterUsage
    records = [
        {"Timestamp": ts, "CustomerIdentifier": "cust-1", "Dimension": "users", "Quantity": 7},
        {"Timestamp": ts, "CustomerAWSAccountId": "111122223333", "Dimension": "users", "Quantity": 2},
        {"Timestamp": ts, "CustomerIdentifier": "cust-unknown", "Dimension": "users", "Quantity": 1},
    ]
    batch = mm.batch_meter_usage(ProductCode="conf-product", UsageRecords=records)
    statuses = [r["Status"] for r in batch["Results"]]
    check("batch statuses", statuses == ["Success", "Success", "CustomerNotSubscribed"], statuses)
    check("batch echoes the UsageRecord",
          batch["Results"][0]["UsageRecord"]["CustomerIdentifier"] == "cust-1"
          and batch["Results"][0]["UsageRecord"]["Quantity"] == 7
          and int(batch["Results"][0]["UsageRecord"]["Timestamp"].timestamp()) == int(ts.timestamp()),
          batch["Results"][0])
    check("batch UnprocessedRecords is empty", batch["UnprocessedRecords"] == [], batch["UnprocessedRecords"])
    resend = mm.batch_meter_usage(ProductCode="conf-product", UsageRecords=records[:1])["Results"][0]
    check("identical batch resend is Success with the same id",
          resend["Status"] == "Success" and resend["MeteringRecordId"] == batch["Results"][0]["MeteringRecordId"],
          resend)
    changed = dict(records[0], Quantity=8)
    duplicate = mm.batch_meter_usage(ProductCode="conf-product", UsageRecords=[changed])["Results"][0]
    check("different batch quantity is DuplicateRecord", duplicate["Status"] == "DuplicateRecord", duplicate)
    expect_error("non-digit CustomerAWSAccountId is InvalidCustomerIdentifierException",
                 "InvalidCustomerIdentifierException",
                 lambda: mm.batch_meter_usage(ProductCode="conf-product", UsageRecords=[
                     {"Timestamp": ts, "CustomerAWSAccountId": "12ab", "Dimension": "users", "Quantity": 1}]))
    expect_error("a batch record 25 h old (out of the 24 h window) fails the call", "TimestampOutOfBoundsException",
                 lambda: mm.batch_meter_usage(ProductCode="conf-product", UsageRecords=[
                     records[0], dict(records[1], Timestamp=now - datetime.timedelta(hours=25))]))

    # RegisterUsage
    signature = mm.register_usage(ProductCode="conf-product", PublicKeyVersion=1, Nonce="boto3-nonce")["Signature"]
    parts = signature.split(".")
    check("RegisterUsage signature is a compact JWT", len(parts) == 3, signature)
    if len(parts) == 3:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        check("JWT header is PS256", header == {"alg": "PS256", "typ": "JWT"}, header)
        check("JWT payload holds the request", payload.get("productCode") == "conf-product"
              and payload.get("publicKeyVersion") == 1 and payload.get("nonce") == "boto3-nonce"
              and abs(payload.get("iat", 0) - now.timestamp()) < 600, payload)
        try:
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.asymmetric import padding
        except ImportError:
            print("SKIP signature verification: the cryptography package is not installed")
        else:
            key = serialization.load_pem_public_key(inspect("/emulator/public-key").encode())
            try:
                key.verify(b64url_decode(parts[2]), (parts[0] + "." + parts[1]).encode(),
                           padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
                check("JWT signature verifies with /emulator/public-key (PS256)", True)
            except Exception as error:  # noqa: BLE001
                check("JWT signature verifies with /emulator/public-key (PS256)", False, repr(error))
    expect_error("unknown key version is InvalidPublicKeyVersionException", "InvalidPublicKeyVersionException",
                 lambda: mm.register_usage(ProductCode="conf-product", PublicKeyVersion=9))

    # ResolveCustomer
    resolved = mm.resolve_customer(RegistrationToken="reg-ok")
    check("ResolveCustomer resolves the token",
          resolved.get("CustomerIdentifier") == "cust-1" and resolved.get("CustomerAWSAccountId") == "111122223333"
          and resolved.get("ProductCode") == "conf-product", resolved)
    expect_error("unknown token is InvalidTokenException", "InvalidTokenException",
                 lambda: mm.resolve_customer(RegistrationToken="reg-unknown"))
    expect_error("expired token is ExpiredTokenException", "ExpiredTokenException",
                 lambda: mm.resolve_customer(RegistrationToken="reg-old"))

    # License integration (SaaS products listed since 2026-06-01)
    licensed = mm.resolve_customer(RegistrationToken="reg-license")
    check("ResolveCustomer of a license product answers LicenseArn and no CustomerIdentifier",
          licensed.get("LicenseArn") == LICENSE and licensed.get("CustomerAWSAccountId") == "444455556666"
          and "CustomerIdentifier" not in licensed and licensed.get("ProductCode") == "conf-license", licensed)
    license_record = {"Timestamp": ts, "CustomerAWSAccountId": "444455556666", "LicenseArn": LICENSE,
                      "Dimension": "scans", "Quantity": 2}
    licensed_batch = mm.batch_meter_usage(UsageRecords=[license_record])
    license_result = licensed_batch["Results"][0]
    check("BatchMeterUsage takes CustomerAWSAccountId + LicenseArn without a ProductCode",
          license_result["Status"] == "Success" and license_result["UsageRecord"].get("LicenseArn") == LICENSE,
          licensed_batch)
    expect_error("an unknown license is InvalidLicenseException", "InvalidLicenseException",
                 lambda: mm.batch_meter_usage(UsageRecords=[dict(license_record, LicenseArn=LICENSE + "0")]))
    expect_error("a license product refuses CustomerIdentifier", "InvalidCustomerIdentifierException",
                 lambda: mm.batch_meter_usage(ProductCode="conf-license", UsageRecords=[
                     {"Timestamp": ts, "CustomerIdentifier": "cust-1", "Dimension": "scans", "Quantity": 1}]))
    mixed = inspect("/emulator/mixed-shapes")
    check("no customer and hour billed in both shapes", mixed == [], mixed)

    # what the emulator saw
    counters = inspect("/emulator/counters")
    check("accepted records counted once", counters["accepted"] == 6, counters)
    check("replays counted", counters["replays"] == 3, counters)
    check("rejections counted by reason", counters["rejected"].get("DuplicateRequestException") == 1
          and counters["rejected"].get("DuplicateRecord") == 1
          and counters["rejected"].get("CustomerNotSubscribed") == 1, counters)

    if FAILURES:
        print("%d check(s) failed: %s" % (len(FAILURES), ", ".join(FAILURES)))
        return 1
    print("boto3 conformance: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
