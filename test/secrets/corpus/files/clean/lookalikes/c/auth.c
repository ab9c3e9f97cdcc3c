#include <string.h>
#define MAX_PASSWORD_LEN 64
#define TOKEN_DELIM ","

int parse(char *line) {
    char *token = strtok(line, TOKEN_DELIM);
    char password[MAX_PASSWORD_LEN] = {0};
    return token != NULL && strlen(password) == 0;
}
