-- Addresses (and the phone numbers in them) are personal data: from now on they are stored sealed with
-- AES-256-GCM under a configured key (see app/src/server/crypto.rs), in new bytea columns. The old jsonb columns
-- stay, nullable, for rows written before: the server seals those at start-up and clears the plaintext.
alter table checkout
    add column shipping_address_enc bytea;
alter table customer_order
    add column shipping_address_enc bytea,
    alter column shipping_address drop not null,
    add constraint customer_order_has_address check (shipping_address is not null or shipping_address_enc is not null);
