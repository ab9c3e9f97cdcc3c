<?php
$apiSecret = '{{S:alnum-32}}';
$config = [
    'auth_token' => '{{S:hex-40}}',
    'cipher_key' => '{{S:base64-32}}',
];
