using NepForge.Formats.Vasp;
using NepForge.Structures;

namespace NepForge.Tests.Formats.Vasp;

public class PoscarTitleTests
{
    static Frame Si2()
    {
        var f = new Frame([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, 1.3575, 1.3575, 1.3575], Lattice.Orthorhombic(5.43, 5.43, 5.43));
        f.Info.ConfigType = "aimd 900K";
        f.Info.SourceFile = "runs/md.xyz";
        f.Info.SourceIndex = 12;
        f.Info.SourceStep = 120;
        return f;
    }

    [Fact]
    public void Provenance_goes_into_the_title_and_comes_back()
    {
        using var w = new StringWriter();
        PoscarWriter.Write(w, Si2());
        string text = w.ToString();
        Assert.StartsWith("Si2 config_type=\"aimd 900K\" source_file=runs/md.xyz source_index=12 source_step=120\n", text);
        var back = PoscarReader.Read(new StringReader(text), "POSCAR-13");
        Assert.Equal("aimd 900K", back.Info.ConfigType);
        Assert.Equal("runs/md.xyz", back.Info.SourceFile);
        Assert.Equal(12, back.Info.SourceIndex);
        Assert.Equal(120, back.Info.SourceStep);
        Assert.Null(back.Info.GetExtra(Poscar.TitleKey));
    }

    [Fact]
    public void A_title_with_foreign_keys_stays_text()
    {
        const string text = "run a=1 b=2\n1.0\n5 0 0\n0 5 0\n0 0 5\nSi\n1\nCartesian\n0 0 0\n";
        var f = PoscarReader.Read(new StringReader(text), "POSCAR");
        Assert.Equal("run a=1 b=2", f.Info.GetExtra(Poscar.TitleKey));
        Assert.Equal("POSCAR", f.Info.SourceFile);
    }
}
