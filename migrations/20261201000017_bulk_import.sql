-- Bulk imports: a CSV file staff upload (products, or stock adjustments) and how far a background job has got
-- with it. The job works through the file in batches, each its own transaction that also moves `processed_rows`
-- on, so a 100,000-row file never holds one transaction open, and a job tried again resumes where the last try
-- committed. Rejected rows are kept with their reason for the report on the import's page.

create table bulk_import
(
    bulk_import_id bigint generated always as identity primary key,
    kind           text        not null check (kind in ('products', 'stock')),
    file_name      text        not null check (length(file_name) between 1 and 200),
    -- The file as uploaded (UTF-8); emptied once the import has finished.
    content        text        not null,
    total_rows     int         not null check (total_rows >= 0),
    processed_rows int         not null default 0 check (processed_rows between 0 and total_rows),
    created_rows   int         not null default 0 check (created_rows >= 0),
    updated_rows   int         not null default 0 check (updated_rows >= 0),
    rejected_rows  int         not null default 0 check (rejected_rows >= 0),
    state          text        not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
    created_by     bigint      not null references customer (customer_id),
    created_at     timestamptz not null default now(),
    started_at     timestamptz,
    finished_at    timestamptz
);
create index bulk_import_newest_idx on bulk_import (bulk_import_id desc);

create table bulk_import_rejection
(
    bulk_import_id bigint not null references bulk_import (bulk_import_id) on delete cascade,
    -- The line of the file, counting the header as line 1 (as a spreadsheet numbers it).
    line           int    not null,
    sku            text,
    reason         text   not null,
    primary key (bulk_import_id, line)
);
