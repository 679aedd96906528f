using System.Globalization;
using System.Text.RegularExpressions;
using OmsSync.Engine.MySql.Copy;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// The spatial types of the map both ways: a MySQL-family GEOMETRY, POINT, ... column is a PostGIS
/// <c>geometry(Type, SRID)</c> (the SRID when the column declares one; without it each value keeps its own), and back.
/// Both sides hold two-dimensional geometries the same way; PostGIS's Z and M variants have no MySQL counterpart.
/// </summary>
public static partial class SpatialTypes
{
    private static readonly (string MySql, string PostGis)[] Names =
    [
        ("geometry", "Geometry"), ("point", "Point"), ("linestring", "LineString"), ("polygon", "Polygon"), ("multipoint", "MultiPoint"),
        ("multilinestring", "MultiLineString"), ("multipolygon", "MultiPolygon"), ("geometrycollection", "GeometryCollection"),
    ];

    public static bool IsSpatial(ColumnSchema column) => MySqlColumnTransfer.IsSpatial(column.DataType);

    /// <summary>
    /// The PostGIS type of a MySQL-family spatial column as format_type writes it: geometry(Point,4326), geometry(Point),
    /// and plain geometry for a GEOMETRY column without an SRID.
    /// </summary>
    public static string PostGisType(ColumnSchema mysql)
    {
        var name = Names.First(n => n.MySql == (mysql.DataType == "geomcollection" ? "geometrycollection" : mysql.DataType)).PostGis;
        return mysql.Srid is { } srid and > 0 ? $"geometry({name},{srid.ToString(CultureInfo.InvariantCulture)})"
            : name == "Geometry" ? "geometry" : $"geometry({name})";
    }

    /// <summary>The SRID a PostGIS column type declares (geometry(Point,4326) gives 4326), 0 for none.</summary>
    public static uint DeclaredSrid(string postGisType)
    {
        var match = PostGisPattern().Match(postGisType);
        return match.Success && match.Groups["srid"].Success ? uint.Parse(match.Groups["srid"].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The MySQL-family type a PostGIS column becomes (geometry(Point,4326) gives point), or null for Z and M types.</summary>
    public static string? MySqlType(string postGisType)
    {
        var match = PostGisPattern().Match(postGisType);
        if (!match.Success) return null;
        if (!match.Groups["type"].Success) return "geometry";
        var type = match.Groups["type"].Value;
        return Names.FirstOrDefault(n => string.Equals(n.PostGis, type, StringComparison.OrdinalIgnoreCase)).MySql;
    }

    // geometry, geometry(Point), geometry(Point,4326); a Z or M suffix (PointZ) fails the type lookup.
    [GeneratedRegex(@"^geometry(?:\((?<type>\w+)(?:,(?<srid>\d+))?\))?$", RegexOptions.IgnoreCase)]
    private static partial Regex PostGisPattern();
}
