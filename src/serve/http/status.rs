//! The HTTP status codes the preview server answers with.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub code: u16,
    pub reason: &'static str,
}

impl Status {
    const fn new(code: u16, reason: &'static str) -> Status {
        Status { code, reason }
    }

    pub const OK: Status = Status::new(200, "OK");
    pub const BAD_REQUEST: Status = Status::new(400, "Bad Request");
    pub const NOT_FOUND: Status = Status::new(404, "Not Found");
    pub const METHOD_NOT_ALLOWED: Status = Status::new(405, "Method Not Allowed");
    pub const REQUEST_TIMEOUT: Status = Status::new(408, "Request Timeout");
    pub const URI_TOO_LONG: Status = Status::new(414, "URI Too Long");
    pub const MISDIRECTED_REQUEST: Status = Status::new(421, "Misdirected Request");
    pub const HEADER_FIELDS_TOO_LARGE: Status = Status::new(431, "Request Header Fields Too Large");
    pub const SERVICE_UNAVAILABLE: Status = Status::new(503, "Service Unavailable");
}
