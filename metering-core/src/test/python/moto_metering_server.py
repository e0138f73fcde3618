"""Start moto's Marketplace Metering fake on loopback, as an independent BatchMeterUsage peer.

Usage: python3 moto_metering_server.py [--port N] [--product CODE]
           [--customer ID ...] [--prior-record CUSTOMER,DIMENSION,EPOCH_SECONDS,QUANTITY ...]

Prints "URL http://127.0.0.1:<port>" on stdout once the server listens, then for each
BatchMeterUsage call "CALL<TAB>record count" followed by one line per record result,
"RESULT<TAB>status<TAB>customer<TAB>dimension<TAB>timestamp<TAB>quantity<TAB>meteringRecordId",
so that the caller sees exactly what moto answered (moto keeps no record of it).
Runs until stdin closes or the process is killed. Server logs go to stderr.

Seeding:
- --customer: subscribes a customer to --product in the backend of account 123456789012
  (the account moto gives any unknown access key) and region us-east-1.
- --prior-record: a record moto holds as already metered, as if another reporter sent it
  earlier. moto's BatchMeterUsage never stores what it accepts (5.x), so this is the only
  way to make it answer DuplicateRecord.
"""

import argparse
import sys
import threading

from moto.meteringmarketplace.models import MeteringMarketplaceBackend, Result, meteringmarketplace_backends
from moto.server import ThreadedMotoServer

ACCOUNT = "123456789012"
REGION = "us-east-1"

_print_lock = threading.Lock()


def _emit(line):
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _observe_results():
    """Report every result moto answers, without changing what it answers."""
    original = MeteringMarketplaceBackend.batch_meter_usage

    def batch_meter_usage(self, product_code, usage_records):
        results = original(self, product_code, usage_records)
        _emit("CALL\t%d" % len(usage_records))
        for result in results:
            record = result.usage_record
            _emit("\t".join(["RESULT", result.status, str(record.customer_identifier), str(record.dimension),
                             str(record.timestamp), str(record.quantity), result.metering_record_id]))
        return results

    MeteringMarketplaceBackend.batch_meter_usage = batch_meter_usage


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port to listen on, 0 for a free one")
    parser.add_argument("--product", default="prod-moto", help="product code the seeds are for")
    parser.add_argument("--customer", action="append", default=[], help="a subscribed customer identifier")
    parser.add_argument("--prior-record", action="append", default=[],
                        help="CUSTOMER,DIMENSION,EPOCH_SECONDS,QUANTITY already metered")
    args = parser.parse_args()

    backend = meteringmarketplace_backends[ACCOUNT][REGION]
    for customer in args.customer:
        backend.customers_by_product[args.product].append(customer)
    for prior in args.prior_record:
        customer, dimension, timestamp, quantity = prior.split(",")
        backend.records_by_product[args.product].append(
            Result(CustomerIdentifier=customer, Dimension=dimension, Timestamp=int(timestamp),
                   Quantity=int(quantity)))
    _observe_results()

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    _emit("URL http://%s:%d" % (host, port))
    try:
        # Runs until the parent closes our stdin (or kills us).
        for _ in sys.stdin:
            pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
