namespace Acme.Legacy
{
    public static class Settings
    {
        public const string ApiKey = "D46DHSq8D8lWZbIW6WIha4yMTuS6obL0";
        public const string ClientSecret = "xHk4TXauJSU+vUGYo1DlL769O9mqPzAYKFbMWV39hE11OgGgMD55zloedbc5ceV0";
        public const string TenantId = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    }
}
