//! Helpers shared by the end-to-end tests. Each test crate uses a part of them.
#![allow(dead_code)]

pub mod pty;
