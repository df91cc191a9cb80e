//! Database maintenance: the integrity and encryption report.

use crate::{ApiError, CheckReport};

use super::Candor;

/// Integrity, encryption and schema report for `candor db check`.
pub fn check(candor: &Candor) -> Result<CheckReport, ApiError> {
    Ok(candor.store().check()?)
}
