//! A private desktop session for one test: fresh HOME and XDG dirs, an Xvfb display, a
//! D-Bus session bus, and gnome-keyring's Secret Service unlocked on it. Everything the
//! app needs from a desktop is real; everything is torn down when the value drops.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::procs::{wait_until, Proc};

pub struct Desktop {
    pub dir: PathBuf,
    vars: Vec<(String, String)>,
    /// Display, bus, keyring: stopped in reverse order.
    procs: Vec<Proc>,
    /// Keyring daemons that took over from the first ([`Desktop::unlock_keychain`]),
    /// stopped before the rest.
    replacements: std::sync::Mutex<Vec<Proc>>,
}

fn fresh_dir() -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("dropdesk-e2e-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

impl Desktop {
    pub fn start() -> Result<Desktop, String> {
        let dir = fresh_dir();
        let mut vars = Vec::new();
        for (var, sub) in [
            ("HOME", "home"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
            ("XDG_RUNTIME_DIR", "run"),
        ] {
            let p = dir.join(sub);
            std::fs::create_dir_all(&p).map_err(|e| e.to_string())?;
            vars.push((var.to_string(), p.display().to_string()));
        }
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir.join("run"), std::fs::Permissions::from_mode(0o700));

        let mut xvfb = Command::new("Xvfb");
        xvfb.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            // Keep the display's resources (Xft.dpi set by xrdb) when its last client
            // leaves, as a desktop's do.
            "-noreset",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
        let mut display = Proc::spawn("Xvfb", xvfb).map_err(|e| e.to_string())?;
        let number = display
            .first_line(Duration::from_secs(20))
            .map_err(|e| e.to_string())?;
        vars.push(("DISPLAY".into(), format!(":{number}")));

        let mut dbus = Command::new("dbus-daemon");
        dbus.args(["--session", "--nofork", "--print-address=1"])
            .envs(vars.iter().cloned())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut bus = Proc::spawn("dbus-daemon", dbus).map_err(|e| e.to_string())?;
        let address = bus
            .first_line(Duration::from_secs(20))
            .map_err(|e| e.to_string())?;
        vars.push(("DBUS_SESSION_BUS_ADDRESS".into(), address));

        let mut gk = Command::new("gnome-keyring-daemon");
        gk.args(["--foreground", "--unlock", "--components=secrets"])
            .envs(vars.iter().cloned())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut keyring = Proc::spawn("gnome-keyring-daemon", gk).map_err(|e| e.to_string())?;
        keyring.write_stdin_and_close(b"e2e-password")?;
        let desktop = Desktop {
            dir,
            vars,
            procs: vec![display, bus, keyring],
            replacements: Default::default(),
        };
        wait_until(
            Duration::from_secs(20),
            "the Secret Service on the bus",
            || desktop.secrets_service_ready().then_some(()),
        )?;
        Ok(desktop)
    }

    fn secrets_service_ready(&self) -> bool {
        self.command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
            .unwrap_or(false)
    }

    /// The session's variables (DISPLAY, the bus, HOME and the XDG dirs).
    pub fn vars(&self) -> &[(String, String)] {
        &self.vars
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The pid of `binary` running in this session (another test's may run beside it).
    pub fn pid_of(&self, binary: &Path) -> Option<u32> {
        let want = binary.canonicalize().ok()?;
        let home = format!("HOME={}", self.var("HOME")?);
        std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let exe = std::fs::read_link(e.path().join("exe")).ok()?;
            let environ = std::fs::read(e.path().join("environ")).ok()?;
            let ours = environ.split(|&b| b == 0).any(|v| v == home.as_bytes());
            (exe == want && ours).then_some(pid)
        })
    }

    /// A command that runs inside this session.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.vars.iter().cloned());
        c
    }

    /// Run `xdotool` on this session's display: what it printed, or why it failed.
    pub fn xdotool(&self, args: &[&str]) -> Result<String, String> {
        let out = self
            .command("xdotool")
            .args(args)
            .output()
            .map_err(|e| format!("xdotool: {e} (is the xdotool package installed?)"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(format!(
                "xdotool {args:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    /// What `secret-tool search --all service <service>` finds, attributes and secrets.
    pub fn keychain_items(&self, service: &str) -> String {
        let out = self
            .command("secret-tool")
            .args(["search", "--all", "--unlock", "service", service])
            .output()
            .expect("secret-tool runs");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    fn dbus_send(&self, args: &[&str]) -> Result<(), String> {
        let out = self
            .command("dbus-send")
            .args(["--session", "--print-reply"])
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// From now on no unlock prompt can appear: the prompter D-Bus would start is pointed
    /// at a display that does not exist, as on a machine with no prompter running.
    pub fn without_prompter(&self) -> Result<(), String> {
        self.dbus_send(&[
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.UpdateActivationEnvironment",
            "dict:string:string:DISPLAY,:9999",
        ])
    }

    /// Stop the keyring daemon in its tracks (SIGSTOP): the Secret Service answers nothing
    /// until [`Desktop::resume_keychain`], as when it is busy or waits on a prompt.
    pub fn pause_keychain(&self) -> Result<(), String> {
        self.signal_keychain("-STOP")
    }

    pub fn resume_keychain(&self) -> Result<(), String> {
        self.signal_keychain("-CONT")
    }

    fn signal_keychain(&self, signal: &str) -> Result<(), String> {
        // The newest daemon is the one serving.
        let replacements = self.replacements.lock().unwrap_or_else(|e| e.into_inner());
        let daemon = replacements
            .last()
            .or(self.procs.last())
            .ok_or("no keyring daemon")?;
        let ok = Command::new("kill")
            .args([signal, &daemon.id().to_string()])
            .status()
            .map_err(|e| e.to_string())?
            .success();
        ok.then_some(())
            .ok_or_else(|| format!("kill {signal} failed"))
    }

    /// Lock the login keyring, as the Secret Service's `Lock` method does.
    pub fn lock_keychain(&self) -> Result<(), String> {
        self.dbus_send(&[
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
    }

    /// Unlock it again with its password (a new daemon takes over and unlocks, as a login
    /// does), and wait until the Secret Service answers; the new daemon lasts as long as
    /// the session.
    pub fn unlock_keychain(&self) -> Result<(), String> {
        let before = self.secrets_owner();
        let mut gk = self.command("gnome-keyring-daemon");
        gk.args([
            "--replace",
            "--foreground",
            "--unlock",
            "--components=secrets",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        let mut keyring = Proc::spawn("gnome-keyring-daemon", gk).map_err(|e| e.to_string())?;
        keyring.write_stdin_and_close(b"e2e-password")?;
        wait_until(Duration::from_secs(20), "the new daemon on the bus", || {
            let now = self.secrets_owner();
            (now.is_some() && now != before).then_some(())
        })?;
        self.replacements
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(keyring);
        Ok(())
    }

    /// The unique bus name that owns the Secret Service now.
    fn secrets_owner(&self) -> Option<String> {
        let out = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.GetNameOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.split('"').nth(1).map(str::to_string)
    }

    /// Make a stand-in the desktop's default program for `mime`, found by the real
    /// `xdg-open` through a desktop entry and `mimeapps.list`; it writes `opened <path>`
    /// lines to the file returned.
    pub fn default_opener(&self, mime: &str) -> PathBuf {
        self.default_opener_for(&[mime])
    }

    /// [`Desktop::default_opener`] for each of `mimes`.
    pub fn default_opener_for(&self, mimes: &[&str]) -> PathBuf {
        let log = self.dir.join("opened.log");
        let script = self.dir.join("opener.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"opened $1\" >> '{}'\n\
                 echo \"core $(ulimit -S -c) $(ulimit -H -c) webkit ${{WEBKIT_DISABLE_DMABUF_RENDERER-unset}}\" >> '{}'\n",
                log.display(),
                self.opener_env().display()
            ),
        )
        .expect("opener script");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let apps = self.dir.join("data/applications");
        std::fs::create_dir_all(&apps).unwrap();
        // A name of this desktop's own: two desktops side by side must never find each
        // other's opener under one desktop-file id.
        let id = format!(
            "dropdesk-test-opener-{}.desktop",
            self.dir.file_name().unwrap_or_default().to_string_lossy()
        );
        std::fs::write(
            apps.join(&id),
            format!(
                "[Desktop Entry]\nType=Application\nName=Test opener\nExec={} %f\nMimeType={};\n",
                script.display(),
                mimes.join(";")
            ),
        )
        .unwrap();
        std::fs::write(
            self.dir.join("config/mimeapps.list"),
            format!(
                "[Default Applications]\n{}",
                mimes
                    .iter()
                    .map(|m| format!("{m}={id}\n"))
                    .collect::<String>()
            ),
        )
        .unwrap();
        log
    }

    /// What the program registered by [`Desktop::default_opener`] was started with: one
    /// line per start, `core <soft> <hard> webkit <WEBKIT_DISABLE_DMABUF_RENDERER or unset>`.
    pub fn opener_env(&self) -> PathBuf {
        self.dir.join("opener-env.log")
    }

    /// Where the app writes its log in this session (`$XDG_STATE_HOME/dropdesk/`).
    pub fn app_log(&self) -> PathBuf {
        self.dir.join("state/dropdesk/dropdesk.log")
    }

    /// Every regular file under the session's HOME and XDG dirs other than the keyring.
    pub fn files_outside_keychain(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        walk(&self.dir, &mut out);
        out.retain(|p| !p.components().any(|c| c.as_os_str() == "keyrings"));
        out
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, out),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        let replacements = self
            .replacements
            .get_mut()
            .unwrap_or_else(|e| e.into_inner());
        while let Some(p) = replacements.pop() {
            drop(p);
        }
        while let Some(p) = self.procs.pop() {
            drop(p);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
