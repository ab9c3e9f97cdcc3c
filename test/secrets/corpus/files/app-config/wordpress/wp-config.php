<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_prod' );
define( 'DB_PASSWORD', 'falcon06Falcon' );
define( 'DB_HOST', 'wp-db.acme-internal.net' );
define( 'DB_CHARSET', 'utf8mb4' );

define( 'AUTH_KEY',         'w/Xj1rDi4x86Z52lkhG2rQztTyuFBH15tk3zqKy92nT21rzW0gHXOlMYIUXfnNuB' );
define( 'SECURE_AUTH_KEY',  'LukWsy3NZJ3ULg85LQZwvv0qR9P2YaGMDEcXrSs4gXEAkAw9VaeDGv1tO/33ayRR' );
define( 'LOGGED_IN_SALT',   'DIbsGMmSUiyT38JIcWLd55Y2VVznJTSg' );
define( 'NONCE_SALT',       'vpLzjFjW8yQasQgTd6Jqr9RHwgL79SFE' );

$table_prefix = 'wp_';
define( 'WP_DEBUG', false );
