#!/usr/bin/env bash
# Starts a throw-away Dovecot IMAP server for the email tests: loopback only, no TLS, one user with
# a plain password, mail in a temporary folder. Prints the IMAP URL the tests read
# (DESKOPS_TEST_IMAP_URL) on stdout; `scripts/test-dovecot.sh stop <dir>` stops it.
# Usage: scripts/test-dovecot.sh start <dir> [port]
set -euo pipefail

command="${1:-start}"
dir="${2:?usage: test-dovecot.sh start|stop <dir> [port]}"

if [ "$command" = stop ]; then
  if [ -f "$dir/run/master.pid" ]; then kill "$(cat "$dir/run/master.pid")" 2>/dev/null || true; fi
  exit 0
fi

port="${3:-10143}"
dovecot_bin="$(command -v dovecot || echo /usr/sbin/dovecot)"
[ -x "$dovecot_bin" ] || { echo "dovecot is not installed (apt-get install -y dovecot-imapd)" >&2; exit 3; }

mkdir -p "$dir/run" "$dir/home"
# Mail belongs to an unprivileged user: the one running this, or dovecot's own when that is root.
if [ "$(id -u)" = 0 ]; then
  mail_user=dovecot
  login_user=dovenull
  internal_user=dovecot
else
  mail_user="$(id -un)"
  login_user="$mail_user"
  internal_user="$mail_user"
fi
uid="$(id -u "$mail_user")"
gid="$(id -g "$mail_user")"
chown "$uid:$gid" "$dir/home" 2>/dev/null || true
chmod 755 "$dir"

printf 'deskops:{PLAIN}deskops-test-password\n' > "$dir/users"

cat > "$dir/dovecot.conf" <<EOF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = $login_user
default_internal_user = $internal_user
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
  }
}
EOF

# Its stdio closed: a caller reading our stdout must not wait for the daemon.
"$dovecot_bin" -c "$dir/dovecot.conf" </dev/null >/dev/null 2>&1
# Wait until it answers on the port (at most 10 s).
for _ in $(seq 1 50); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "imap://deskops:deskops-test-password@127.0.0.1:$port/INBOX"
    exit 0
  fi
  sleep 0.2
done
echo "dovecot did not start; see $dir/dovecot.log" >&2
exit 1
