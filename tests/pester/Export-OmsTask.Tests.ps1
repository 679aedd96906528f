BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
    $work = Join-Path $stateHome 'files'
    $null = New-Item -ItemType Directory $work
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Export-OmsTask' {
    Test-CmdletContract Export-OmsTask -Parameters Name, Path, NoClobber -Mandatory ':Name' -ByValue Name -ByPropertyName Name -ConfirmImpact Low

    Context 'writing a definition' -Tag Integration {
        BeforeEach { $t = New-TestTask -Options @{ RowFilter = @{ 'shop.orders' = "note <> 'x'" }; Partition = @{ 'shop.orders' = 'p1', 'p2' }; Label = 'prod'; ChunkRows = 500 } }
        AfterEach { Remove-TestTask $t }

        It 'writes every option, data sources by name and no secret' {
            $file = Export-OmsTask $t.Task -Path (Join-Path $work "$($t.Task).json")
            $file.Name | Should -Be "$($t.Task).json"
            $text = Get-Content -Raw $file.FullName
            $text | Should -Not -Match ([regex]::Escape((New-TestCredential).GetNetworkCredential().Password))
            $json = $text | ConvertFrom-Json
            $json.Format | Should -Be 'OmsSync.Task/1'
            $json.Task.Name | Should -Be $t.Task
            $json.Task.Source | Should -Be $t.Source
            $json.Task.RowFilters.'shop.orders' | Should -Be "note <> 'x'"
            $json.Task.Partitions.'shop.orders' | Should -Be 'p1', 'p2'
            $json.Task.ChunkRows | Should -Be 500
            $json.Task.Labels | Should -Be 'prod'
            $json.Task.PSObject.Properties.Name | Should -Not -Contain 'Id'
        }
        It 'writes the JSON to the pipeline without -Path' {
            (Export-OmsTask $t.Task | ConvertFrom-Json).Task.Name | Should -Be $t.Task
        }
        It 'keeps an existing file with -NoClobber (FileExists)' {
            $path = Join-Path $work 'kept.json'
            'old' | Set-Content $path
            Export-OmsTask $t.Task -Path $path -NoClobber -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
            Get-Content -Raw $path | Should -Be "old$([Environment]::NewLine)"
        }
        It 'reports an unknown task (TaskNotFound)' {
            Export-OmsTask no-such-task -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
        }
    }
}
