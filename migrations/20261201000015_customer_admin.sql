-- Admins can disable an account: its sessions end, and it can neither sign in nor reset its password until it
-- is enabled again. Its orders and addresses stay.
alter table customer add column disabled_at timestamptz;

-- The customer list searches by part of the email.
create index customer_email_trgm_idx on customer using gin (lower(email::text) gin_trgm_ops);
