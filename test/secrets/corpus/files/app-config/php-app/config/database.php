<?php
return [
    'default' => 'mysql',
    'connections' => [
        'mysql' => [
            'host' => 'mysql.acme-internal.net',
            'database' => 'shop',
            'username' => 'shop',
            'password' => 'Orchid%1081',
        ],
    ],
    'redis' => ['password' => '0z7yXODISBtjrQGWXjFenvUAQK0FMsNl'],
];
