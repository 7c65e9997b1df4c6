//! The Team's users (patients): `POST /v2/user`, `GET /v2/user/{user_id}`.
use utoipa::ToSchema;

/// A user of the Team: the patient orders are placed for.
#[derive(ToSchema)]
pub struct ClientFacingUser {
    #[schema(format = Uuid)]
    pub user_id: String,
    #[schema(format = Uuid)]
    pub team_id: String,
    /// The Team's own id for the user; unique within the Team.
    pub client_user_id: String,
    #[schema(format = DateTime)]
    pub created_on: String,
    /// Always empty: labdesk connects no wearables.
    #[schema(value_type = Vec<Object>)]
    pub connected_sources: Vec<()>,
    /// Always null.
    #[schema(value_type = Option<Object>, required = true)]
    pub fallback_time_zone: Option<()>,
    /// Always null.
    #[schema(value_type = Option<Object>)]
    pub fallback_birth_date: Option<()>,
    /// Always null.
    #[schema(value_type = Option<String>, format = Date)]
    pub ingestion_start: Option<()>,
    /// Always null.
    #[schema(value_type = Option<String>, format = Date)]
    pub ingestion_end: Option<()>,
}

/// A new user.
#[derive(ToSchema)]
pub struct UserCreateBody {
    /// The Team's own id for the user (not an email or a phone number); leading and trailing
    /// blanks are dropped.
    #[schema(pattern = r"\S", max_length = 200)]
    pub client_user_id: String,
}
