<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_prod' );
define( 'DB_PASSWORD', 'Saffron-quartz-143' );
define( 'DB_HOST', 'wp-db.acme-internal.net' );
define( 'DB_CHARSET', 'utf8mb4' );

define( 'AUTH_KEY',         '9VaeDGv1tO/33ayRREJbsHNnTVizV5+LKcYMd7704XXAnKUTgvqMAkGkY+yRatSg' );
define( 'SECURE_AUTH_KEY',  'Vd8Kqr/TIxhM9/TGFNi9FWSWJx3yT2S4q4ocB1owKqkaYlFNQ2nMlISvjGdZ/QvX' );
define( 'LOGGED_IN_SALT',   'FQgpII92FWG6W5IvHRottyDoA51cgIX0' );
define( 'NONCE_SALT',       'xnzKWnyJbBvmuW52ShZOi0C5RVkbd5cB' );

$table_prefix = 'wp_';
define( 'WP_DEBUG', false );
