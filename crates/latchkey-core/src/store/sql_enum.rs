//! Enums stored as TEXT: one macro gives each its strings, `FromStr` and
//! SQLite conversions, so no code handles the raw strings. (`Display` and
//! serde live with each type.)

/// `sql_enum!(Type, "what it is" { Variant => "text", ... })`
macro_rules! sql_enum {
    ($ty:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in display order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The stored and serialized form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, String> {
                match text {
                    $($text => Ok($ty::$variant),)+
                    other => {
                        let allowed: Vec<&str> = $ty::ALL.iter().map(|v| v.as_str()).collect();
                        Err(format!(
                            "unknown {} `{}`: expected one of {}",
                            $what,
                            other,
                            allowed.join(", ")
                        ))
                    }
                }
            }
        }

        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $ty {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                value.as_str()?.parse().map_err(|msg: String| {
                    rusqlite::types::FromSqlError::Other(msg.into())
                })
            }
        }
    };
}

pub(crate) use sql_enum;
