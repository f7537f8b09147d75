//! How the shared vocabulary ([`crate::model`]: OAuth settings, user status) is stored: as
//! TEXT columns with CHECK constraints, spelled as serde spells them.

use super::sql_enum::sql_enum;
use crate::model::{AuthKind, ClientAuth, PkceMode, TokenPlacement, UserStatus};

sql_enum!(AuthKind, "auth kind" {
    AuthorizationCode => "authorization_code",
    ClientCredentials => "client_credentials",
    DeviceCode => "device_code",
    ApiKey => "api_key",
    None => "none",
});

sql_enum!(ClientAuth, "client auth" {
    Basic => "basic",
    Post => "post",
    None => "none",
});

sql_enum!(PkceMode, "PKCE mode" {
    S256 => "S256",
    Plain => "plain",
    Off => "off",
});

sql_enum!(UserStatus, "user status" {
    New => "new",
    Authorized => "authorized",
    NeedsReauth => "needs_reauth",
    Revoked => "revoked",
});

/// The `token_placement` column; the name and prefix have their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacementKind {
    Header,
    Query,
}

sql_enum!(PlacementKind, "token placement" {
    Header => "header",
    Query => "query",
});

/// Splits a placement into its three columns: kind, name, prefix.
pub fn placement_columns(placement: &TokenPlacement) -> (PlacementKind, &str, &str) {
    match placement {
        TokenPlacement::Header { name, prefix } => (PlacementKind::Header, name, prefix),
        TokenPlacement::Query { name } => (PlacementKind::Query, name, ""),
    }
}

/// Joins the three columns back into a placement.
pub fn placement_from_columns(kind: PlacementKind, name: String, prefix: String) -> TokenPlacement {
    match kind {
        PlacementKind::Header => TokenPlacement::Header { name, prefix },
        PlacementKind::Query => TokenPlacement::Query { name },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    fn serde_name<T: Serialize>(value: T) -> String {
        serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn stored_text_matches_serde_and_display() {
        for v in AuthKind::ALL {
            assert_eq!(serde_name(v), v.as_str());
            assert_eq!(v.to_string(), v.as_str());
        }
        for v in ClientAuth::ALL {
            assert_eq!(serde_name(v), v.as_str());
            assert_eq!(v.to_string(), v.as_str());
        }
        for v in PkceMode::ALL {
            assert_eq!(serde_name(v), v.as_str());
            assert_eq!(v.to_string(), v.as_str());
        }
    }

    #[test]
    fn unknown_text_names_the_choices() {
        let err = "digest".parse::<ClientAuth>().unwrap_err();
        assert_eq!(
            err,
            "unknown client auth `digest`: expected one of basic, post, none"
        );
    }

    #[test]
    fn placement_round_trips_through_its_columns() {
        for p in [
            TokenPlacement::default(),
            TokenPlacement::Header {
                name: "Authorization".into(),
                prefix: "OAuth2".into(),
            },
            TokenPlacement::Query {
                name: "access_token".into(),
            },
        ] {
            let (kind, name, prefix) = placement_columns(&p);
            assert_eq!(placement_from_columns(kind, name.into(), prefix.into()), p);
        }
    }
}
