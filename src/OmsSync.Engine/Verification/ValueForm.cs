namespace OmsSync.Engine.Verification;

/// <summary>
/// What the two sides compare of one column's values. Between two MySQL-family servers that is the bytes each stores
/// (<see cref="Stored"/>, floating point to its significant digits). Between two kinds of server it is the value's
/// meaning: each server writes a canonical text of the value in SQL, the same text for the same value on both, and the
/// row hash is taken over those texts (see README, "Verification across kinds").
/// </summary>
internal enum ValueForm
{
    /// <summary>The bytes the server stores (text converted to utf8mb4 when the sides' charsets differ).</summary>
    Stored,
    /// <summary>A MySQL FLOAT against a FLOAT: the first 6 significant digits.</summary>
    StoredFloat,
    /// <summary>A MySQL DOUBLE against a DOUBLE: the first 15 significant digits.</summary>
    StoredDouble,
    /// <summary>An integer (a boolean as 1 or 0): its decimal digits.</summary>
    Integer,
    /// <summary>An exact decimal: its digits without trailing fractional zeros ("1.50" and "1.5000" are "1.5").</summary>
    Decimal,
    /// <summary>A binary floating-point value (FLOAT widened to DOUBLE), exactly: its binary mantissa and exponent, M p E.</summary>
    Float,
    /// <summary>Characters (enum labels and UUIDs among them), compared as UTF-8, never through a collation.</summary>
    Text,
    /// <summary>A SET's members joined by commas in the SET's order, as MySQL writes it; on PostgreSQL a text[] of the members.</summary>
    Set,
    /// <summary>A byte string, byte for byte (an INET4 or INET6 address as its 4 or 16 bytes).</summary>
    Bytes,
    /// <summary>A geometry as MySQL stores it, its SRID (4 bytes, little-endian) and its WKB; PostGIS geometry and EWKB in bytea read so.</summary>
    Geometry,
    /// <summary>A date as YYYY-MM-DD; MySQL's zero date and PostgreSQL's -infinity are both 0000-00-00.</summary>
    Date,
    /// <summary>A date and time as YYYY-MM-DD HH:MM:SS.ffffff, an instant (TIMESTAMP, timestamptz) at UTC.</summary>
    DateTime,
    /// <summary>A time of day (or MySQL's signed TIME) as HH:MM:SS.ffffff.</summary>
    Time,
    /// <summary>A bit string as its binary number without leading zeros.</summary>
    Bits,
    /// <summary>A JSON document: in SQL as the server's normal form, and where those differ as the parsed document (see <see cref="JsonValues"/>).</summary>
    Json,
}

/// <summary>How the forms two servers give a pair of columns meet.</summary>
internal static class ValueForms
{
    /// <summary>The form both sides compare in: the same form, or the one that holds both (an integer is a decimal, text may be JSON).</summary>
    public static ValueForm Join(ValueForm source, ValueForm target) => (source, target) switch
    {
        _ when source == target => source,
        (ValueForm.Integer, ValueForm.Decimal) or (ValueForm.Decimal, ValueForm.Integer) => ValueForm.Decimal,
        (ValueForm.Text, ValueForm.Json) or (ValueForm.Json, ValueForm.Text) => ValueForm.Json,
        // A PostgreSQL array (compared as JSON against MySQL's JSON) holding a SET's members.
        (ValueForm.Json, ValueForm.Set) or (ValueForm.Set, ValueForm.Json) => ValueForm.Set,
        // A geometry kept in a bytea (a target database without PostGIS) holds it as EWKB.
        (ValueForm.Geometry, ValueForm.Bytes) or (ValueForm.Bytes, ValueForm.Geometry) => ValueForm.Geometry,
        _ => ValueForm.Text,
    };

    /// <summary>
    /// Whether rows may be matched and ranges cut by a key column of this form across kinds: its canonical text must read
    /// back as the same value on both servers. Floating point, bit strings and JSON do not; a table keyed by one is compared
    /// as a multiset. Nor do geometries. Stored values always do.
    /// </summary>
    public static bool Keyable(ValueForm form) => form is not (ValueForm.Float or ValueForm.Bits or ValueForm.Json or ValueForm.Geometry);

    /// <summary>True for forms whose values are byte strings (hashed with their lengths), not UTF-8 text.</summary>
    public static bool Binary(ValueForm form) => form is ValueForm.Bytes or ValueForm.Geometry;

    /// <summary>True for forms compared as canonical text across kinds (not as stored bytes).</summary>
    public static bool Canonical(ValueForm form) => form is not (ValueForm.Stored or ValueForm.StoredFloat or ValueForm.StoredDouble);
}
