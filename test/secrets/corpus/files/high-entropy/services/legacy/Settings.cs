namespace Acme.Legacy
{
    public static class Settings
    {
        public const string ApiKey = "IRbYza6P7ighVuR3hO8iXaQH9j8G7mvF";
        public const string ClientSecret = "rMGeW0KkBywjGypCtADOCfK0IvAdY8Py2SJY/jCgkdcCflGnPfwwuj8Owg/SoEef";
        public const string TenantId = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    }
}
