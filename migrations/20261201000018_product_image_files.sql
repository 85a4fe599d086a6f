-- Uploaded product images are stored in several widths: the `srcset` the storefront serves, and the stored files'
-- keys (so removing an image removes its files). Seeded images have neither: one file, served as `url`.
alter table product_image
    add column srcset       text check (length(srcset) <= 2000),
    add column storage_keys text[] not null default '{}';
