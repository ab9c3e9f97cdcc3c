<?php
$password = $_POST['password'];
$token = bin2hex(random_bytes(32));
if (password_verify($password, $user['password_hash'])) {
    $_SESSION['token'] = $token;
}
