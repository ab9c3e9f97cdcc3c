<?php
$apiSecret = 'gTtb5ze1OhNl4QXyey9Eiiq7W2Z3BoG9';
$config = [
    'auth_token' => '897fb840c7cb1df8ff016d717e6277c1d3a0a967',
    'cipher_key' => 'NhCpmtve2nyyQgTOvYND4uwknSCkG+Q7a89ysx/iLbw=',
];
