<?php
$apiSecret = 'N57ksKitd2sNNHeOOhSzKeoX07Yzba4A';
$config = [
    'auth_token' => '95a5b5926a2312594c5c045f7b99c8e53e81fbcb',
    'cipher_key' => 'sZTL9WffyIKzf1XmyYp6gG2gogpdzO9DEacQUZXA7r8=',
];
