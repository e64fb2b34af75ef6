# Sourced by the scripts of tools/ that prepare a PostgreSQL server.
#
#   ensure_pg_superuser PORT NAME PASSWORD
#
# Creates the login role NAME, a superuser, on the server at
# 127.0.0.1:PORT (as its postgres user), unless it exists already.
ensure_pg_superuser() {
    psql -h 127.0.0.1 -p "$1" -U postgres -q -v ON_ERROR_STOP=1 <<SQL
DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$2') THEN
        CREATE ROLE $2 WITH LOGIN SUPERUSER PASSWORD '$3';
    END IF;
END \$\$;
SQL
}
