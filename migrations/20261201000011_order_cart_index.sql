-- Orders by the cart they were placed from: a replayed idempotency key is checked against its cart's owner, a
-- guest cart merged at sign-in hands its orders to the account's cart, and deleting a cart sets the column to null.
-- Without this index each of those scans every order.
create index customer_order_cart_idx on customer_order (cart_id) where cart_id is not null;
