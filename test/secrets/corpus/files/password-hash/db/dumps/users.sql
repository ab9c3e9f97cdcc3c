-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
-- Host: db-prod    Database: app
DROP TABLE IF EXISTS `users`;
CREATE TABLE `users` (
  `id` int NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL,
  `password_hash` varchar(255) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

LOCK TABLES `users` WRITE;
INSERT INTO `users` VALUES (1,'alice@acme-shop.net','$2b$12$SY5Cv/mqoXvqWY5nEZds8b0pn34iWiGu/HH6nok0HYG0nMDtlwqzA');
INSERT INTO `users` VALUES (2,'bob@acme-shop.net','$2b$12$uurd1WBwKnlKZ8AmB8QWEak8qgfx1iRKcKlNsBYPaBUoo1.6UvB.9');
INSERT INTO `users` VALUES (3,'carol@acme-shop.net','$argon2id$v=19$m=65536,t=3,p=4$c7K1YbuBTLlU12lD0ailVo$xi+8ksA5AwgchNUr1cKhsPf0m0/wfPf4T91qidhV8I+');
INSERT INTO `users` VALUES (4,'dave@acme-shop.net','$2b$12$g7B57WD3.hGnnJkStzWuzSIHG0KtMVMkDQjR0LH2oQinMYN5bYj2b');
UNLOCK TABLES;
