//! The test handles as methods of [`Sandbox`]: reset, state dump, request log, faults and
//! the customer's side (`control.rs` serves the same over HTTP).

use crate::control::{self, ControlError, CustomerChange, RequestRecord};
use crate::{Sandbox, server};

impl Sandbox {
    /// Puts everything back as it was when the sandbox started: the seed's data, the
    /// calendar's first day, an empty request log and no armed faults (`POST
    /// /sandbox/reset`). Tokens the token endpoint issued stay valid.
    ///
    /// ```
    /// use lineworks_partner::{Client, Credentials};
    /// use lineworks_partner_sandbox::{Sandbox, Seed};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = Sandbox::builder().seed(Seed::demo()).start().await?;
    /// let client = Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .credentials(Credentials::access_token("test"))
    ///     .build()?;
    /// client.delete_customer().domain_id(10000001).send().await?;
    /// assert!(client.get_customer().domain_id(10000001).send().await.is_err());
    /// sandbox.reset();
    /// assert!(client.get_customer().domain_id(10000001).send().await.is_ok());
    /// # Ok(()) }
    /// ```
    pub fn reset(&self) {
        self.app.reset();
    }

    /// The whole state as JSON (`GET /sandbox/state`): `today`, and per customer its
    /// `customer`, `usageStatus`, `customerSide`, `subscriptions`, `preOrders`,
    /// `optionProducts` and `optionProductOrders`, in the API's shapes.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = lineworks_partner_sandbox::Sandbox::builder()
    ///     .seed(lineworks_partner_sandbox::Seed::demo())
    ///     .start()
    ///     .await?;
    /// let state = sandbox.state();
    /// assert_eq!(state["customers"][0]["customer"]["domain"], "example.com");
    /// # Ok(()) }
    /// ```
    pub fn state(&self) -> serde_json::Value {
        self.app.state().dump()
    }

    /// The Partner API calls seen so far, oldest first (`GET /sandbox/requests`); the last
    /// 10,000 are kept.
    ///
    /// ```
    /// # use lineworks_partner::{Client, Credentials};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = lineworks_partner_sandbox::Sandbox::start().await?;
    /// let client = Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .credentials(Credentials::access_token("test"))
    ///     .build()?;
    /// client.list_customers().send().await?;
    /// let log = sandbox.requests();
    /// assert_eq!(log[0].operation.as_deref(), Some("list_customers"));
    /// assert_eq!(log[0].status, 200);
    /// sandbox.clear_requests();
    /// assert!(sandbox.requests().is_empty());
    /// # Ok(()) }
    /// ```
    pub fn requests(&self) -> Vec<RequestRecord> {
        server::lock(&self.app.log).iter().cloned().collect()
    }

    /// Empties the request log (`DELETE /sandbox/requests`).
    pub fn clear_requests(&self) {
        server::lock(&self.app.log).clear();
    }

    /// The next `times` calls of `operation` (an `operationId`, e.g. `"create_customer"`)
    /// answer `status` (400-599) without touching the state (`POST /sandbox/faults` with
    /// `{"operation": ..., "status": 503, "times": 2}`).
    ///
    /// ```
    /// # use lineworks_partner::{Client, Credentials, RetryPolicy};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = lineworks_partner_sandbox::Sandbox::start().await?;
    /// let client = Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .credentials(Credentials::access_token("test"))
    ///     .retry_policy(RetryPolicy::disabled())
    ///     .build()?;
    /// sandbox.fail_next("list_customers", 503, 1)?;
    /// let e = client.list_customers().send().await.unwrap_err();
    /// assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    /// assert!(client.list_customers().send().await.is_ok());
    /// # Ok(()) }
    /// ```
    pub fn fail_next(&self, operation: &str, status: u16, times: u32) -> Result<(), ControlError> {
        let fault = control::new_fault(operation, control::FaultKind::Answer(status), times)?;
        server::lock(&self.app.faults).push(fault);
        Ok(())
    }

    /// The next `times` calls of `operation` are applied (the state changes) and then their
    /// answer is withheld, as when a connection times out after the server acted
    /// (`{"operation": ..., "appliedThenTimeout": true}`). The answer, a 504, comes only after
    /// [`SandboxBuilder::lost_answer_delay`](crate::SandboxBuilder::lost_answer_delay) (default 30 s), so a client with a shorter timeout
    /// sees a timeout: "create, time out, retry" can be reproduced.
    ///
    /// ```
    /// # use lineworks_partner::{Client, Credentials, RetryPolicy};
    /// # use std::time::Duration;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = lineworks_partner_sandbox::Sandbox::builder()
    ///     .seed(lineworks_partner_sandbox::Seed::demo())
    ///     .start()
    ///     .await?;
    /// let client = Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .credentials(Credentials::access_token("test"))
    ///     .retry_policy(RetryPolicy::disabled())
    ///     .timeout(Duration::from_millis(300))
    ///     .build()?;
    /// sandbox.time_out_after_applying("delete_customer", 1)?;
    /// assert!(client.delete_customer().domain_id(10000001).send().await.is_err());
    /// // The deletion happened all the same.
    /// assert!(client.get_customer().domain_id(10000001).send().await.is_err());
    /// # Ok(()) }
    /// ```
    pub fn time_out_after_applying(&self, operation: &str, times: u32) -> Result<(), ControlError> {
        let fault = control::new_fault(operation, control::FaultKind::AppliedThenTimeout, times)?;
        server::lock(&self.app.faults).push(fault);
        Ok(())
    }

    /// The next `times` calls of `operation` are applied and answered `204 No Content`, without
    /// the body the sandbox would otherwise send (`{"operation": ..., "emptyAnswer": true}`).
    /// No page states the success status of these writes, so the spec accepts an empty answer
    /// and so must a client: `send()` returns `None`, `send_and_read_back()` reads the object
    /// back. Only operations whose spec lists a 204 can be armed
    /// ([`ControlError::Invalid`] otherwise).
    ///
    /// ```
    /// # use lineworks_partner::{Client, Credentials};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = lineworks_partner_sandbox::Sandbox::builder()
    ///     .seed(lineworks_partner_sandbox::Seed::demo())
    ///     .start()
    ///     .await?;
    /// let client = Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .credentials(Credentials::access_token("test"))
    ///     .build()?;
    /// sandbox.answer_empty_next("add_license_count", 1)?;
    /// let answer = client
    ///     .add_license_count()
    ///     .domain_id(10000001)
    ///     .subscription_id(20000001)
    ///     .body_map(|b| b.license_count(5))
    ///     .send()
    ///     .await?;
    /// assert!(answer.is_none());
    /// // Applied all the same.
    /// let now = client
    ///     .get_subscription()
    ///     .domain_id(10000001)
    ///     .subscription_id(20000001)
    ///     .send()
    ///     .await?;
    /// assert_eq!(now.license_count, Some(55));
    /// // get_customer always answers with its body.
    /// assert!(sandbox.answer_empty_next("get_customer", 1).is_err());
    /// # Ok(()) }
    /// ```
    pub fn answer_empty_next(&self, operation: &str, times: u32) -> Result<(), ControlError> {
        let fault = control::new_fault(operation, control::FaultKind::EmptyAnswer, times)?;
        server::lock(&self.app.faults).push(fault);
        Ok(())
    }

    /// Expires every access token the token endpoint issued so far (`POST
    /// /sandbox/tokens/expire`, answering `{"expired": n}`): a call with one is answered as
    /// with an expired token, 401 `UNAUTHORIZED` or, with
    /// [`SandboxBuilder::expired_token_status`](crate::SandboxBuilder::expired_token_status),
    /// 403 `UNAUTHORIZED` as LINE WORKS also answers; a client that renews its token goes on.
    /// Returns how many tokens were expired.
    ///
    /// ```
    /// # use lineworks_partner::{Client, Credentials};
    /// # use lineworks_partner::auth::ServiceAccount;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = lineworks_partner_sandbox::Sandbox::builder()
    ///     .expired_token_status(403)
    ///     .start()
    ///     .await?;
    /// # let key = include_str!("../../tests/fixtures/test_key_pkcs8.pem");
    /// let account = ServiceAccount::builder()
    ///     .client_id("id")
    ///     .client_secret("secret")
    ///     .service_account_id("sa@example.com")
    ///     .private_key_pem(key)
    ///     .token_url(sandbox.token_url())
    ///     .build()?;
    /// let client = Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .credentials(Credentials::service_account(account))
    ///     .build()?;
    /// client.list_customers().send().await?;
    /// assert_eq!(sandbox.expire_tokens(), 1);
    /// // Answered 403 UNAUTHORIZED once; the client renews its token and sends again.
    /// client.list_customers().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn expire_tokens(&self) -> usize {
        self.app.expire_tokens()
    }

    /// Disarms every fault not yet used (`DELETE /sandbox/faults`).
    pub fn clear_faults(&self) {
        server::lock(&self.app.faults).clear();
    }

    /// Plays the customer's side, which the API cannot change: accepting the terms of
    /// service, publishing the DNS records, users joining, suspension by the tenant's
    /// administrator (`POST /sandbox/customers/{domainId}` with the same fields in
    /// camelCase).
    ///
    /// ```
    /// use lineworks_partner::{Client, Credentials};
    /// use lineworks_partner_sandbox::{CustomerChange, Sandbox};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = Sandbox::start().await?;
    /// let client = Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .credentials(Credentials::access_token("test"))
    ///     .build()?;
    /// let created = client
    ///     .create_customer()
    ///     .body_map(|b| {
    ///         b.domain("acme.co.jp")
    ///             .company_name("Acme")
    ///             .phone_number("03-1234-5678")
    ///             .time_zone("Asia/Tokyo")
    ///             .locale(lineworks_partner::types::Locale::JaJp)
    ///     })
    ///     .send()
    ///     .await?
    ///     .expect("the sandbox answers with the customer");
    /// let id = created.domain_id;
    /// // Neither the terms nor the DNS records: activation is refused.
    /// assert!(client.activate_customer().domain_id(id).send().await.is_err());
    /// sandbox.change_customer(id, CustomerChange::default().accept_terms().publish_dns(true))?;
    /// let active = client.activate_customer().domain_id(id).send().await?;
    /// assert!(active.enable_active_domain);
    /// # Ok(()) }
    /// ```
    pub fn change_customer(
        &self,
        domain_id: i64,
        change: CustomerChange,
    ) -> Result<(), ControlError> {
        let mut state = self.app.state();
        let today = state.current_day();
        state.change_customer(domain_id, &change)?;
        state.record(today);
        self.app.persist(&state);
        Ok(())
    }
}
