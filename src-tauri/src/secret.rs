//! One newtype per secret meaning (access token, refresh token, authorization code, PKCE
//! verifier), as oauth2 does: `Debug` prints `[redacted]`, there is no `Display`, no
//! `Serialize` and no `==`, so a secret cannot reach a log line, an error text or an IPC
//! answer by accident. The value comes out only through `expose()`, at the one place that
//! sends it. Two secrets are compared with [`subtle`]'s constant-time equality.

use subtle::ConstantTimeEq;

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            /// The value itself, for the one place that must send or store it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// Equal, compared in constant time.
            pub fn same_as(&self, other: &Self) -> bool {
                same(&self.0, &other.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("[redacted]")
            }
        }
    };
}

secret!(
    /// A bearer token for API calls.
    AccessToken
);
secret!(
    /// The long-lived token that mints new access tokens.
    RefreshToken
);
secret!(
    /// The one-time code the browser brings back to the loopback listener, or the user
    /// pastes.
    AuthCode
);
secret!(
    /// The PKCE code verifier of a sign-in in progress.
    PkceVerifier
);

/// Constant-time comparison of two strings (the length is not secret).
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_their_value() {
        let s = AccessToken::new("sl.very-secret");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&s)), "Some([redacted])");
        assert_eq!(format!("{:?}", RefreshToken::new("r")), "[redacted]");
        assert_eq!(format!("{:?}", AuthCode::new("c")), "[redacted]");
        assert_eq!(s.expose(), "sl.very-secret");
    }

    #[test]
    fn secrets_compare_by_value() {
        let a = AccessToken::new("abc");
        assert!(a.same_as(&AccessToken::new("abc")));
        assert!(!a.same_as(&AccessToken::new("abd")));
        assert!(!a.same_as(&AccessToken::new("ab")));
        assert!(same("", ""));
    }
}
