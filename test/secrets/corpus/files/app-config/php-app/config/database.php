<?php
return [
    'default' => 'mysql',
    'connections' => [
        'mysql' => [
            'host' => 'mysql.acme-internal.net',
            'database' => 'shop',
            'username' => 'shop',
            'password' => 'ga9*K~J5EsjB8s!z',
        ],
    ],
    'redis' => ['password' => 'XybiSul1xLJyau8Bzj5pSIpawn5Fq0zp'],
];
