#!/bin/bash -xe
# Create the openstack_citest user and database that oslo.db's
# opportunistic test fixtures look for, on the local MariaDB/MySQL and
# PostgreSQL. Servers: MariaDB's root has no password; PostgreSQL trusts
# local connections. A server that is not running is reported and left
# alone: its tests then skip.
#
# Also creates, empty, the ironic39_citest database on each server for the
# ironic 39.0.0 that .ci/run starts on it (tools/ironic/start-ironic.sh
# with IRONIC_DATABASE_URL; ironic-dbsync makes its schema), and raises
# MariaDB's max_allowed_packet so that the 16 MiB documents
# the storage tests write fit in one statement.

DB_ROOT_PW=${MYSQL_ROOT_PW:-}
DB_USER=openstack_citest
DB_PW=openstack_citest
MAX_PACKET=${MYSQL_MAX_ALLOWED_PACKET:-67108864}
source "$(dirname "$0")/lib/pg-role.sh"

if command -v mysql >/dev/null && mysqladmin -h 127.0.0.1 -u root \
        ${DB_ROOT_PW:+-p"$DB_ROOT_PW"} ping >/dev/null 2>&1; then
    mysql -h 127.0.0.1 -u root ${DB_ROOT_PW:+-p"$DB_ROOT_PW"} <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PW';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PW';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
DROP DATABASE IF EXISTS openstack_citest;
CREATE DATABASE openstack_citest CHARACTER SET utf8mb4;
DROP DATABASE IF EXISTS ironic39_citest;
CREATE DATABASE ironic39_citest CHARACTER SET utf8mb4;
SET GLOBAL max_allowed_packet = $MAX_PACKET;
FLUSH PRIVILEGES;
SQL
else
    echo "MariaDB/MySQL is not answering on 127.0.0.1:3306; its tests will skip."
fi

if command -v psql >/dev/null && pg_isready -h 127.0.0.1 -q; then
    ensure_pg_superuser 5432 "$DB_USER" "$DB_PW"
    psql -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS openstack_citest"
    psql -h 127.0.0.1 -U postgres -c \
        "CREATE DATABASE openstack_citest OWNER $DB_USER"
    psql -h 127.0.0.1 -U postgres -c \
        "DROP DATABASE IF EXISTS ironic39_citest WITH (FORCE)"
    psql -h 127.0.0.1 -U postgres -c \
        "CREATE DATABASE ironic39_citest OWNER $DB_USER"
else
    echo "PostgreSQL is not answering on 127.0.0.1:5432; its tests will skip."
fi
