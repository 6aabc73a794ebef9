// A number where the spec wants text does not compile.
use lineworks_partner::types;

fn main() {
    let _admin = types::AdministratorCreateRequest::builder()
        .last_name(42)
        .password("Passw0rd1234")
        .id("admin")
        .private_email("private.works@example.com")
        .build();
}
