namespace Acme.Legacy
{
    public static class Settings
    {
        public const string ApiKey = "{{S:alnum-32}}";
        public const string ClientSecret = "{{S:base64-48}}";
        public const string TenantId = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    }
}
