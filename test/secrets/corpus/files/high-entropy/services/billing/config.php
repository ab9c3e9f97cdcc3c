<?php
$apiSecret = 'mPrCjICgiS0fZqrYri62y7Su8nWaXzXC';
$config = [
    'auth_token' => '7df3da3d11afedd1f8883442f8962d56dd862c5b',
    'cipher_key' => 'JgeNXWT8mC6CpR9oNhInS9IlBivqbIZZXXH/tijVtOa=',
];
