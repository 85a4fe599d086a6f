//! SQL, one file per area. Functions are named after their table and take an executor or pool, so the services
//! decide about transactions and which pool (primary or replica) a read goes to.

pub mod account;
pub mod address;
pub mod admin;
pub mod audit;
pub mod cart;
pub mod catalog;
pub mod category;
pub mod checkout;
pub mod collection;
pub mod customer;
pub mod discount;
pub mod export;
pub mod flags;
pub mod image;
pub mod import;
pub mod job;
pub mod order;
pub mod payment;
pub mod product;
pub mod refund;
pub mod returns;
pub mod sealing;
pub mod search;
pub mod seo;
pub mod stock;
