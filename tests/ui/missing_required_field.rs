// A body whose required field `privateEmail` is not set does not compile, and the error names it.
use lineworks_partner::types;

fn main() {
    let _admin = types::AdministratorCreateRequest::builder()
        .last_name("Works")
        .password("Passw0rd1234")
        .id("admin")
        .build();
}
