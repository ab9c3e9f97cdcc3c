<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_prod' );
define( 'DB_PASSWORD', '{{S:password}}' );
define( 'DB_HOST', 'wp-db.acme-internal.net' );
define( 'DB_CHARSET', 'utf8mb4' );

define( 'AUTH_KEY',         '{{S:base64-48:high-entropy}}' );
define( 'SECURE_AUTH_KEY',  '{{S:base64-48:high-entropy}}' );
define( 'LOGGED_IN_SALT',   '{{S:alnum-32:high-entropy}}' );
define( 'NONCE_SALT',       '{{S:alnum-32:high-entropy}}' );

$table_prefix = 'wp_';
define( 'WP_DEBUG', false );
