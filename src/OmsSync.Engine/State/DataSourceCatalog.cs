using System.Data.Common;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>Registered data sources and their encrypted credentials.</summary>
public sealed class DataSourceCatalog
{
    private readonly StateStore _store;
    private readonly Lazy<SecretProtector> _protector;

    public DataSourceCatalog(StateStore store)
    {
        _store = store;
        _protector = new Lazy<SecretProtector>(() => SecretProtector.ForHome(store.Home));
    }

    public void Add(DataSource source, string password)
    {
        var secret = _protector.Value.Protect(password, source.Name);
        try
        {
            _store.Execute(
                "INSERT INTO data_sources(name, kind, server, port, user_name, \"database\", secret, created, options) VALUES (@n, @k, @s, @p, @u, @d, @x, @c, @o)",
                ("@n", source.Name), ("@k", source.Kind.ToString()), ("@s", source.Server), ("@p", source.Port),
                ("@u", source.User), ("@d", source.Database), ("@x", secret), ("@c", source.Created.ToString("O")), ("@o", Options(source)));
        }
        catch (DbException e) when (_store.IsUniqueViolation(e))
        {
            throw new OmsException("DataSourceExists", OmsErrorKind.AlreadyExists, source.Name,
                $"A data source named '{source.Name}' exists already. Choose another name, or remove it first with Remove-OmsDataSource.");
        }
    }

    public void Update(DataSource source, string? password)
    {
        var rows = _store.Execute(
            "UPDATE data_sources SET kind=@k, server=@s, port=@p, user_name=@u, \"database\"=@d, options=@o WHERE name=@n",
            ("@n", source.Name), ("@k", source.Kind.ToString()), ("@s", source.Server), ("@p", source.Port),
            ("@u", source.User), ("@d", source.Database), ("@o", Options(source)));
        if (rows == 0) throw NotFound(source.Name);
        if (password is not null)
            _store.Execute("UPDATE data_sources SET secret=@x WHERE name=@n",
                ("@n", source.Name), ("@x", _protector.Value.Protect(password, source.Name)));
    }

    public DataSource? Find(string name) =>
        _store.Query($"SELECT {Columns} FROM data_sources WHERE name = @n", Map, ("@n", name)).SingleOrDefault();

    public DataSource Get(string name) => Find(name) ?? throw NotFound(name);

    public IReadOnlyList<DataSource> List() =>
        _store.Query($"SELECT {Columns} FROM data_sources ORDER BY name", Map);

    public string GetPassword(string name)
    {
        var secret = _store.Query("SELECT secret FROM data_sources WHERE name = @n", r => (byte[])r["secret"], ("@n", name)).SingleOrDefault()
            ?? throw NotFound(name);
        return _protector.Value.Unprotect(secret, name);
    }

    /// <summary>Removes a data source; refuses while a task uses it, so no task is left pointing nowhere.</summary>
    public void Remove(string name)
    {
        var users = _store.Query("SELECT name FROM tasks WHERE source = @n OR target = @n ORDER BY name", r => r.GetString(0), ("@n", name));
        if (users.Count > 0)
            throw new OmsException("DataSourceInUse", OmsErrorKind.InvalidState, name,
                $"Data source '{name}' is used by task(s) {string.Join(", ", users.Select(u => $"'{u}'"))}. Remove those tasks first (Remove-OmsTask).");
        if (_store.Execute("DELETE FROM data_sources WHERE name = @n", ("@n", name)) == 0)
            throw NotFound(name);
    }

    public static OmsException NotFound(string name) =>
        OmsException.NotFound("DataSource", name, "List the registered ones with Get-OmsDataSource, or register it with New-OmsDataSource.");

    private const string Columns = "name, kind, server, port, user_name, \"database\", created, options";

    private static string? Options(DataSource source) => source.Kafka is null ? null : System.Text.Json.JsonSerializer.Serialize(source.Kafka, TaskCatalog.Json);

    private static DataSource Map(DbDataReader r) => new()
    {
        Name = r.GetString(0),
        Kind = Enum.Parse<DataSourceKind>(r.GetString(1)),
        Server = r.GetString(2),
        Port = r.GetInt32(3),
        User = r.GetString(4),
        Database = r.IsDBNull(5) ? null : r.GetString(5),
        Created = DateTimeOffset.Parse(r.GetString(6)),
        Kafka = r.IsDBNull(7) ? null : System.Text.Json.JsonSerializer.Deserialize<KafkaSecurity>(r.GetString(7), TaskCatalog.Json),
    };
}
