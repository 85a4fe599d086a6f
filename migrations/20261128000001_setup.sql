-- Shared helpers used by every later migration.

-- Keeps updated_at current on any table that opts in with:
--   select trigger_updated_at('<table>');
create or replace function set_updated_at()
    returns trigger as
$$
begin
    new.updated_at = now();
    return new;
end;
$$ language plpgsql;

create or replace function trigger_updated_at(tablename regclass)
    returns void as
$$
begin
    execute format('create trigger set_updated_at
        before update
        on %s
        for each row
        when (old is distinct from new)
    execute function set_updated_at();', tablename);
end;
$$ language plpgsql;

-- Case-insensitive text for emails and similar identifiers.
create extension if not exists citext;
