//! lbconform: a conformance suite, a reference emulator and a traffic simulator for the cloud
//! load-balancer APIs of Alibaba Cloud (SLB, ENS) and Tencent Cloud (CLB 3.0 and legacy v2).
//!
//! The modules follow the data flow of ARCHITECTURE.md: [`spec`] holds the documented APIs as
//! data; [`wire`] turns bytes into calls and back; [`model`] is the executable reference;
//! [`emulator`] serves it over HTTP; [`conformance`] compares any target with the model;
//! [`sim`] simulates traffic through schedulers and health checks.

pub mod cli;
pub mod conformance;
pub mod emulator;
pub mod model;
pub mod sim;
pub mod spec;
pub mod wire;
