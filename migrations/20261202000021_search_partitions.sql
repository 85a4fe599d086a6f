-- product_search split into 8 hash partitions by product_id, and filters checked inside the full-text indexes.
--
-- A GIN index answers a query only with a bitmap of every matching row, built before the first row comes back. For
-- a word that 1 product in 15 has in its name, at 1M products, that bitmap (~67k rows) cost ~20 ms to build and
-- walk, although the search keeps only the first 1,000 candidates. Over partitions the plan is an Append of one
-- bitmap scan per partition, run one after the other and stopped by the LIMIT as soon as it has its candidates: a
-- common word is answered from the first partition (an eighth of the bitmap), a rare one from all eight for the
-- same total work as before. Which products become candidates of a common word does not change in kind: before,
-- the first 1,000 in the table's physical order; now, the first 1,000 of one hash partition.
--
-- Filters (category, option values, in stock, on sale) were checked on each row the text index returned: a filter
-- that excludes most matches of a common word read every one of them (~190 ms at 1M for "coat" in a colour no coat
-- has). Each index now covers the document and the product's facet terms as lexemes ('~' + term: no word of a text
-- query can produce one), and the query ANDs the filters into the tsquery, so the index intersects them.
--
-- Expand-only for the previous code: its queries name product_search and its columns as before (they name no
-- index). The copy holds a lock on the table while it runs (seconds per 100,000 products): searches wait.

alter table product_search rename to product_search_unpartitioned;
alter index product_search_document_idx rename to product_search_unpartitioned_document_idx;
alter index product_search_name_idx rename to product_search_unpartitioned_name_idx;
alter index product_search_pkey rename to product_search_unpartitioned_pkey;

create table product_search
(
    product_id      bigint      not null references product (product_id) on delete cascade,
    category_id     bigint      not null,
    name            text        not null,
    price_min_minor bigint      not null,
    currency        char(3)     not null,
    created_at      timestamptz not null,
    in_stock        boolean     not null,
    on_sale         boolean     not null,
    facets          text[]      not null,
    document        tsvector    not null,
    name_document   tsvector    not null,
    primary key (product_id)
) partition by hash (product_id);

create table product_search_0 partition of product_search for values with (modulus 8, remainder 0);
create table product_search_1 partition of product_search for values with (modulus 8, remainder 1);
create table product_search_2 partition of product_search for values with (modulus 8, remainder 2);
create table product_search_3 partition of product_search for values with (modulus 8, remainder 3);
create table product_search_4 partition of product_search for values with (modulus 8, remainder 4);
create table product_search_5 partition of product_search for values with (modulus 8, remainder 5);
create table product_search_6 partition of product_search for values with (modulus 8, remainder 6);
create table product_search_7 partition of product_search for values with (modulus 8, remainder 7);

insert into product_search
select product_id, category_id, name, price_min_minor, currency, created_at, in_stock, on_sale, facets, document,
       name_document
from product_search_unpartitioned;

drop table product_search_unpartitioned;

-- The facet terms of a product as lexemes that no text query can produce.
create function search_facet_lexemes(terms text[]) returns tsvector
    language sql immutable parallel safe as
$$
select array_to_tsvector(array(select '~' || t from unnest(terms) t where t <> ''))
$$;

-- Facet terms (all required) as a tsquery over those lexemes, or null for none. Each is quoted, so any value
-- (spaces, quotes, backslashes, tsquery operators) is one lexeme.
create function search_facet_query(terms text[]) returns tsquery
    language sql immutable parallel safe as
$$
select string_agg('''~' || replace(replace(t, '\', '\\'), '''', '''''') || '''', ' & ')::tsquery
from unnest(terms) t
where t <> ''
$$;

-- A search's text and its filters as one tsquery, for the indexes below.
create function search_filtered(tsq tsquery, terms text[]) returns tsquery
    language sql immutable parallel safe as
$$
select coalesce(tsq && search_facet_query(terms), tsq)
$$;

create index product_search_document_idx on product_search
    using gin ((document || search_facet_lexemes(facets)));
create index product_search_name_idx on product_search
    using gin ((name_document || search_facet_lexemes(facets)));

analyze product_search;

-- A shopper's text as a tsquery: websearch syntax for the whole text or, when the last word may be unfinished (no
-- word of the catalog's), the text without it AND that word as a prefix. A prefix match costs several times an
-- exact one in the GIN index, so a finished word is matched exactly.
create function search_tsquery(text_ text, prefix text, head text) returns tsquery
    language sql stable parallel safe as
$$
select case when prefix is null or exists (select 1 from search_word w where w.word = prefix)
                then websearch_to_tsquery('english', text_)
            else websearch_to_tsquery('english', head) && to_tsquery('english', prefix || ':*')
       end
$$;
