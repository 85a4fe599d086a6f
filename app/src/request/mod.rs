//! Request glue (server only): the one layer that reads the Leptos request and writes its response. Server
//! functions and the page shell use it to find the state and the signed-in account, to read and set cookies, to
//! redirect plain form posts, and to set the page's Content-Security-Policy. Services never touch the response:
//! they take plain inputs and return plain results, and this layer turns those into headers.

pub mod assets;
pub mod context;
pub mod cookies;
pub mod csp;
pub mod policy;
