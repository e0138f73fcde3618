-- The shared ledger of a metering-spring-boot fleet, on PostgreSQL.
-- Table names start with aws.marketplace.metering.ledger.jdbc.table-prefix (default metering_):
-- to apply this file by hand with another prefix, replace "metering_" first.

-- What each replica recorded: its cumulative total per key and hour, written by upsert, so a
-- replayed flush counts once. "counted" is the part already sealed into a report: frozen when
-- the hour closed; what grows later (quantity > counted) moves into the next open hour.
-- The replica id "~carry" holds usage moved forward by the fleet itself.
create table if not exists metering_contribution (
	replica_id varchar(64) not null,
	hour timestamptz not null,
	dimension varchar(255) not null,
	customer varchar(255) not null,
	license varchar(2048) not null default '',
	tags varchar(8192) not null default '',
	quantity bigint not null,
	counted bigint not null default 0,
	primary key (replica_id, hour, dimension, customer, license, tags)
);

create index if not exists metering_contribution_uncounted on metering_contribution (hour)
	where quantity > counted;

-- One record for AWS per (customer or license, dimension, hour), stored with everything the
-- request needs, so that every attempt, by any leader, sends the identical request.
create table if not exists metering_report (
	id varchar(64) primary key,
	hour timestamptz not null,
	dimension varchar(255) not null,
	customer varchar(255) not null,
	license varchar(2048),
	quantity bigint not null,
	allocations text not null,
	client_token varchar(64) not null,
	state varchar(16) not null,
	record_id varchar(255),
	reason text,
	sealed_at timestamptz not null,
	settled_at timestamptz,
	settled_by varchar(255)
);

create index if not exists metering_report_pending on metering_report (hour)
	where state in ('CLOSED', 'SENDING');

create index if not exists metering_report_dead_letter on metering_report (settled_at)
	where state = 'DEAD_LETTER';

-- Each replica's last publish, for the health and the fleet view.
create table if not exists metering_replica (
	replica_id varchar(64) primary key,
	reporting_identity varchar(255) not null,
	last_publish timestamptz not null,
	clock_skew_millis bigint not null default 0
);

-- One row: the last hour closed, the reporter's lease (on the database's clock) and its last run.
create table if not exists metering_fleet (
	id int primary key,
	closed_through timestamptz,
	leader varchar(64),
	lease_until timestamptz,
	last_report timestamptz
);

insert into metering_fleet (id) values (1) on conflict (id) do nothing;
