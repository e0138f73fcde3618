/**
 * The usage ledger: where recorded usage lives until AWS has confirmed it.
 * <p>
 * A record goes into the in-heap {@code HourBucket} of its open hour and, in the file
 * ledger, into a durable counter of its key and hour in a memory-mapped segment, before
 * {@code record} returns. Sealing closes the hours that have ended: their usage becomes
 * {@code UsageReport}s, one per dimension, customer or license, and hour, each tag set an
 * allocation, within the service's limits (a quantity over the limit moves into the next
 * open hour, tag sets over the limit fold into the untagged allocation), and each
 * zero-usage dimension gets a report of 0 for every hour the ledger was open. The seal,
 * with its whole reports, is written to the state journal before it takes effect, so a
 * report is resent identically after any restart. The reporter reaches the ledger through
 * its second face, the outbox: it seals, sends the pending reports, and its settler alone
 * writes each answer back as a change of state (reported, carried forward, moved forward,
 * dead-lettered), journaled the same way; an operator may acknowledge a dead letter, or
 * replay it into the open hour. Usage that arrives for a sealed hour, and usage AWS no
 * longer accepts, moves into the next open hour. At startup, recovery rebuilds the
 * reports from the journal and the open usage from the counters of the hours not sealed;
 * reports final for longer than the retention are compacted into the audit log.
 * <p>
 * The classes group as follows. The ledger: {@code MeteringLedger}, the one ledger class,
 * with its open hours ({@code HourBucket}, {@code KeyRegistry}, {@code KeyRef},
 * {@code HeldUsage}) and its reports ({@code ReportBook}, {@code ReportAssembler},
 * {@code ClientTokens}, {@code Hours}), over a storage strategy,
 * {@code LedgerPersistence}: none (in memory) or {@code FilePersistence}, built by
 * {@code FileLedgerBuilder}. The file engine has four parts: the counters
 * ({@code Segment}, {@code SegmentLog}, {@code DurableCounters}, {@code ThreadStripes}),
 * the journal ({@code RecordFile}, {@code Frames}, {@code JournalCodec},
 * {@code LedgerEvent}, {@code Carry}), the audit log ({@code AuditLog},
 * {@code AuditPolicy}) and recovery ({@code LedgerRecovery}, {@code RecoveryResult});
 * they write through the {@code LedgerIo} seam, with the directory's lock, files and
 * space ({@code DirectoryLock}, {@code LedgerFiles}, {@code LedgerChannel},
 * {@code SpaceReserve}, {@code Uninterruptibly}). The ledger has two faces:
 * {@link dev.metering.ledger.UsageLedger} for those who record and read
 * ({@link dev.metering.ledger.UsageLedger#summary()} gives health and metrics the
 * ledger's totals without copying it; {@link dev.metering.ledger.UsageLedger#view()}
 * copies it for the endpoint), and {@link dev.metering.ledger.ReportOutbox} for the
 * reporter, settled through {@link dev.metering.ledger.Settlement}s.
 */
package dev.metering.ledger;
