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
INSERT INTO `users` VALUES (1,'alice@acme-shop.net','$2b$12$p4V1iMVQ9wEizrxZPahUrwOhNS3USNtOoaLrT2rmzvwpzjQxdr42v');
INSERT INTO `users` VALUES (2,'bob@acme-shop.net','$2b$12$0iI4YvpvAzxOA3wGWa.vRiWL68hV9tfYiUCTXHCZNKhW195nbDM0G');
INSERT INTO `users` VALUES (3,'carol@acme-shop.net','$argon2id$v=19$m=65536,t=3,p=4$OVjk7LM46FAA8sR1CdMf0q$k7+WUv/U41INALOPp3LFa0dwWOuUMIagyHWviqsOCwa');
INSERT INTO `users` VALUES (4,'dave@acme-shop.net','$2b$12$Bu4ojTYEbTO2f8dMIsCWDVZf9pPOsF19VrjRCX4r4mw5rhk2v.fLo');
UNLOCK TABLES;
