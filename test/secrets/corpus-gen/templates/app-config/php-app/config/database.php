<?php
return [
    'default' => 'mysql',
    'connections' => [
        'mysql' => [
            'host' => 'mysql.acme-internal.net',
            'database' => 'shop',
            'username' => 'shop',
            'password' => '{{S:password}}',
        ],
    ],
    'redis' => ['password' => '{{S:alnum-32}}'],
];
