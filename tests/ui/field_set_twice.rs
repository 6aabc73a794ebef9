// Setting a required field twice (a copy-paste slip that would hide a missing one) does not compile.
use lineworks_partner::types;

fn main() {
    let _admin = types::AdministratorCreateRequest::builder()
        .last_name("Works")
        .last_name("Admin")
        .password("Passw0rd1234")
        .id("admin")
        .private_email("private.works@example.com")
        .build();
}
