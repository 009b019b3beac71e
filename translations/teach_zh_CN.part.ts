<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ClassCard</name>
    <message>
        <source>Class name</source>
        <translation>类别名称</translation>
    </message>
    <message>
        <source>Class %1</source>
        <translation>类别 %1</translation>
    </message>
    <message>
        <source>Drop images or a folder here</source>
        <translation>将图片或文件夹拖放到这里</translation>
    </message>
    <message>
        <source>Add Images…</source>
        <translation>添加图片…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Add the image or files on the clipboard (Ctrl+V)</source>
        <translation>添加剪贴板中的图片或文件 (Ctrl+V)</translation>
    </message>
    <message>
        <source>Remove this class</source>
        <translation>移除此类别</translation>
    </message>
    <message>
        <source>Add Images to %1</source>
        <translation>向 %1 添加图片</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s), %1 unreadable (skipped)</source>
        <translation>
            <numerusform>%n 张图片，%1 张无法读取（已跳过）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n 张图片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassesPanel</name>
    <message>
        <source>Choose Folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>A folder with one sub-folder of images per class</source>
        <translation>每个类别一个图片子文件夹的文件夹</translation>
    </message>
    <message>
        <source>Add Class</source>
        <translation>添加类别</translation>
    </message>
    <message>
        <source>Add at least two classes, with a few images each.</source>
        <translation>至少添加两个类别，每个类别几张图片。</translation>
    </message>
    <message>
        <source>Class %1</source>
        <translation>类别 %1</translation>
    </message>
    <message>
        <source>Choose a Folder of Classes</source>
        <translation>选择类别文件夹</translation>
    </message>
    <message>
        <source>Add at least two classes.</source>
        <translation>至少添加两个类别。</translation>
    </message>
    <message>
        <source>Every class needs a name.</source>
        <translation>每个类别都需要名称。</translation>
    </message>
    <message>
        <source>Two classes are called %1.</source>
        <translation>有两个类别都叫 %1。</translation>
    </message>
    <message>
        <source>%1 has no images yet.</source>
        <translation>%1 还没有图片。</translation>
    </message>
    <message>
        <source>Looking at the images…</source>
        <translation>正在查看图片…</translation>
    </message>
    <message>
        <source>Looking at the images… %1 of %2</source>
        <translation>正在查看图片… 第 %1 张，共 %2 张</translation>
    </message>
    <message numerus="yes">
        <source>%n class(es), %1 images</source>
        <translation>
            <numerusform>%n 个类别，%1 张图片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MyModelsMenu</name>
    <message>
        <source>My &amp;Models</source>
        <translation>我的模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Use</source>
        <translation>使用(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>重命名(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <source>No models yet: Model ▸ Train New Model…</source>
        <translation>还没有模型：模型 ▸ 训练新模型…</translation>
    </message>
    <message>
        <source>Open the Models &amp;Folder</source>
        <translation>打开模型文件夹(&amp;F)</translation>
    </message>
    <message>
        <source>Rename Model</source>
        <translation>重命名模型</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <source>Delete Model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>%1 is the model in use. Choose another model first.</source>
        <translation>%1 是正在使用的模型。请先选择其他模型。</translation>
    </message>
    <message>
        <source>Delete the model %1? Its files are removed from the models folder.</source>
        <translation>删除模型 %1？它的文件将从模型文件夹中移除。</translation>
    </message>
    <message>
        <source>Export Model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Weights (*.safetensors)</source>
        <translation>权重 (*.safetensors)</translation>
    </message>
    <message>
        <source>My Models</source>
        <translation>我的模型</translation>
    </message>
</context>
<context>
    <name>PlanPanel</name>
    <message>
        <source>The bundled model (offline)</source>
        <translation>内置模型（离线）</translation>
    </message>
    <message>
        <source>ImageNet V1 (downloaded once)</source>
        <translation>ImageNet V1（下载一次）</translation>
    </message>
    <message>
        <source>ImageNet V2 (downloaded once)</source>
        <translation>ImageNet V2（下载一次）</translation>
    </message>
    <message>
        <source>Nothing: train from scratch</source>
        <translation>无：从头训练</translation>
    </message>
    <message>
        <source>A weights file…</source>
        <translation>权重文件…</translation>
    </message>
    <message>
        <source>The network whose features the new model starts from</source>
        <translation>新模型以哪个网络的特征为起点</translation>
    </message>
    <message>
        <source>The plan appears once there are classes to train on.</source>
        <translation>有了可训练的类别后，这里会显示训练计划。</translation>
    </message>
    <message>
        <source>Advanced: override the plan</source>
        <translation>高级：覆盖训练计划</translation>
    </message>
    <message>
        <source>Mirror images left-right</source>
        <translation>左右镜像图片</translation>
    </message>
    <message>
        <source>the whole network</source>
        <translation>整个网络</translation>
    </message>
    <message>
        <source>%1 on (earlier layers frozen)</source>
        <translation>从 %1 起（之前的层冻结）</translation>
    </message>
    <message>
        <source>Epochs (at most)</source>
        <translation>轮数 (epoch，最多)</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Smallest crop (share of the image)</source>
        <translation>最小裁剪（占图片的比例）</translation>
    </message>
    <message>
        <source>Flips</source>
        <translation>翻转</translation>
    </message>
    <message>
        <source>Input size (pixels)</source>
        <translation>输入尺寸（像素）</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>网络结构</translation>
    </message>
    <message>
        <source>Fine-tune</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>Start from</source>
        <translation>起点</translation>
    </message>
    <message>
        <source>Weights (*.safetensors *.pth *.pt);;All files (*)</source>
        <translation>权重 (*.safetensors *.pth *.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Start from Weights</source>
        <translation>从权重开始</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <source>Loading the bundled model</source>
        <translation>正在加载内置模型</translation>
    </message>
    <message>
        <source>Computing features</source>
        <translation>正在计算特征</translation>
    </message>
    <message>
        <source>Fitting the new head</source>
        <translation>正在拟合新的分类头</translation>
    </message>
    <message>
        <source>Fine-tuning</source>
        <translation>正在微调</translation>
    </message>
    <message>
        <source>Downloading %1 weights for %2: %3</source>
        <translation>正在下载 %2 的 %1 权重：%3</translation>
    </message>
    <message>
        <source>Downloading %1 weights for %2</source>
        <translation>正在下载 %2 的 %1 权重</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>正在加载 %1</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>尚未开始</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮 (epoch)</translation>
    </message>
    <message>
        <source>Epochs of the run: the new head&apos;s fit is the first; fine-tuning follows the dashed line</source>
        <translation>整个训练过程的轮数：第一轮是拟合新的分类头，虚线之后是微调</translation>
    </message>
    <message>
        <source>%1 elapsed · about %2 left</source>
        <translation>已用 %1 · 约剩 %2</translation>
    </message>
    <message>
        <source>Training the new head</source>
        <translation>正在训练新的分类头</translation>
    </message>
    <message>
        <source>%1: batch %2 of %3</source>
        <translation>%1：第 %2 批，共 %3 批</translation>
    </message>
    <message>
        <source>%1: epoch %2 of %3, batch %4 of %5</source>
        <translation>%1：第 %2 轮（共 %3 轮），第 %4 批（共 %5 批）</translation>
    </message>
</context>
<context>
    <name>ResultsPanel</name>
    <message>
        <source>Train a model to see how well it tells the classes apart.</source>
        <translation>训练一个模型，看看它区分各类别的效果如何。</translation>
    </message>
    <message>
        <source>Use This Model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <source>Classify with this model from now on</source>
        <translation>从现在起用此模型分类</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Confusion matrix: rows are the true classes, columns what the model said. Click a cell to see its images.</source>
        <translation>混淆矩阵：行是真实类别，列是模型的判断。点击单元格可查看其中的图片。</translation>
    </message>
    <message>
        <source>Per class</source>
        <translation>各类别</translation>
    </message>
    <message>
        <source>Stopped before any model was trained: nothing was saved.</source>
        <translation>在训练出任何模型之前已停止：没有保存任何内容。</translation>
    </message>
    <message>
        <source>Saved as %1. Stopped early: the best model so far was kept.</source>
        <translation>已保存为 %1。提前停止：保留了目前最好的模型。</translation>
    </message>
    <message>
        <source>Saved as %1.</source>
        <translation>已保存为 %1。</translation>
    </message>
    <message>
        <source>%1: %2 of the validation images right. Stopped early: the best model so far was kept.</source>
        <translation>%1：验证图片中 %2 分类正确。提前停止：保留了目前最好的模型。</translation>
    </message>
    <message>
        <source>%1: %2 of the validation images right.</source>
        <translation>%1：验证图片中 %2 分类正确。</translation>
    </message>
    <message>
        <source>This is the head-only model: the new head on the unchanged start network, not fine-tuned.</source>
        <translation>这是仅含新分类头的模型：起始网络保持不变，只换上新的分类头，未经微调。</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) of %1 taken for %2: click to see them</source>
        <translation>
            <numerusform>%n 张 %1 图片被认成了 %2：点击查看</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 taken for %2</source>
        <translation>%1 被认成 %2</translation>
    </message>
</context>
<context>
    <name>TeachWindow</name>
    <message>
        <source>Train New Model</source>
        <translation>训练新模型</translation>
    </message>
    <message>
        <source>My model</source>
        <translation>我的模型</translation>
    </message>
    <message>
        <source>The name under Model ▸ My Models</source>
        <translation>在 模型 ▸ 我的模型 中显示的名称</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop after this batch and keep the best model so far</source>
        <translation>在本批次后停止，并保留目前最好的模型</translation>
    </message>
    <message>
        <source>1 · Classes</source>
        <translation>1 · 类别</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>2 · Plan</source>
        <translation>2 · 计划</translation>
    </message>
    <message>
        <source>3 · Progress</source>
        <translation>3 · 进度</translation>
    </message>
    <message>
        <source>4 · Results</source>
        <translation>4 · 结果</translation>
    </message>
    <message>
        <source>The plan appears once there are classes to train on.</source>
        <translation>有了可训练的类别后，这里会显示训练计划。</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>正在规划…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Stopping after this batch…</source>
        <translation>将在本批次后停止…</translation>
    </message>
    <message>
        <source>Stopped before any model was trained: nothing was saved.</source>
        <translation>在训练出任何模型之前已停止：没有保存任何内容。</translation>
    </message>
    <message>
        <source>Done · saved as %1</source>
        <translation>完成 · 已保存为 %1</translation>
    </message>
    <message>
        <source>Stopped: kept the head-only model (not fine-tuned) · saved as %1</source>
        <translation>已停止：保留了仅含新分类头的模型（未微调） · 已保存为 %1</translation>
    </message>
    <message>
        <source>Stopped: kept the best model so far · saved as %1</source>
        <translation>已停止：保留了目前最好的模型 · 已保存为 %1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
</context>
<context>
    <name>Trainer</name>
    <message>
        <source>the training process ended unexpectedly (exit code %1)</source>
        <translation>训练进程意外结束（退出码 %1）</translation>
    </message>
</context>
</TS>
